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


class _FormValues(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or (not attributes.get("name") and tag != "option"):
            return
        if tag == "input" and attributes.get("type") not in {"submit", "button", "file"}:
            checkable = attributes.get("type") in {"checkbox", "radio"}
            if checkable and "checked" not in attributes:
                return
            self._add(attributes["name"], attributes.get("value", "on" if checkable else ""))
        elif tag == "textarea":
            self._textarea = attributes["name"]
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = attributes["name"]
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            # A browser drops the newline that follows <textarea>.
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    """What a browser would post from the form `form_id` as the page shows it (no button)."""
    parser = _FormValues(form_id)
    parser.feed(html)
    return parser.values


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Elements(HTMLParser):
    """The text of every element that has an id (its descendants' text included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # [tag, id or None, collected text]
        self.texts = {}

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self.open.append([tag, dict(attrs).get("id"), []])

    def handle_endtag(self, tag):
        while self.open:
            open_tag, element_id, text = self.open.pop()
            if element_id:
                self.texts[element_id] = " ".join("".join(text).split())
            if self.open:
                self.open[-1][2].extend(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.open:
            self.open[-1][2].append(data)


def texts_by_id(html: str) -> dict[str, str]:
    """Each element's id → its text, spaces collapsed (non-breaking spaces become spaces)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return {key: value.replace("\xa0", " ").replace("\u202f", " ") for key, value in parser.texts.items()}
