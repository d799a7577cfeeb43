"""Rich text written by staff, made safe once, on save: what the editor produces, nothing more.

nh3 (the Rust ammonia sanitiser) keeps a short list of tags and attributes, drops
scripts, styles, event handlers and any URL scheme other than http, https and mailto, and
adds rel="noopener noreferrer" to links.
"""

import html as html_lib
import re

import nh3

TAGS = {
    "p", "div", "br", "strong", "b", "em", "i", "u", "del", "s", "a", "h2", "h3", "h4", "blockquote",
    "pre", "code", "ul", "ol", "li", "figure", "figcaption",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """The HTML with only the allowed tags and attributes (headings h1 become h2)."""
    if not html:
        return ""
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer")


def plain_text(html: str) -> str:
    """The words of the HTML without any tag (for descriptions and feeds)."""
    return " ".join(html_lib.unescape(nh3.clean(html or "", tags=set())).split())


# Where a line ends in a plain-text rendering: after a block, at a break; a list item starts with a dash.
_LINE_BREAKS = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre|figure|figcaption|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li(?:\s[^>]*)?>", re.IGNORECASE)


def plain_text_lines(html: str) -> str:
    """The HTML as plain text that keeps its lines (for plain-text emails): one line per
    paragraph, heading or list item (« - » before an item), no tag, no empty line."""
    html = _LIST_ITEM.sub("\n- ", _LINE_BREAKS.sub("\n", html or ""))
    text = html_lib.unescape(nh3.clean(html, tags=set()))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
