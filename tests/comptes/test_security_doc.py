from cress.management.commands.security_table import DOCUMENT, END, START, with_table


def test_docs_security_shows_the_declaration():
    document = DOCUMENT.read_text(encoding="utf-8")
    assert START in document and END in document
    assert document == with_table(document), "run `manage.py security_table --write` after changing cress/access.py"
