"""Reading HTML responses in tests."""

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _ScriptAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (gestionnaire d'événement en ligne)")
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.problems.append("<script> en ligne")
        if tag == "a" and (attributes.get("href") or "").strip().lower().startswith("javascript:"):
            self.problems.append("lien javascript:")


def inline_script_problems(html: str) -> list[str]:
    """Everything a strict Content-Security-Policy would block: inline scripts and on*= handlers."""
    audit = _ScriptAudit()
    audit.feed(html)
    return audit.problems
