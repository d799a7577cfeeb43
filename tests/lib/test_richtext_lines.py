"""lib.richtext.plain_text_lines: staff's rich text as the lines of a plain-text email."""

from lib.richtext import plain_text_lines


def test_paragraphs_headings_and_list_items_keep_their_lines():
    html = "<h2>Matin</h2><p>Les <strong>statuts</strong> &amp; le bureau</p><ul><li>Un</li><li>Deux<br>suite</li></ul>"
    assert plain_text_lines(html) == "Matin\nLes statuts & le bureau\n- Un\n- Deux\nsuite"


def test_no_tag_and_no_empty_line_remains():
    assert plain_text_lines('<p> </p><script>alert("x")</script><div>Fin</div>') == "Fin"
    assert plain_text_lines("") == ""
