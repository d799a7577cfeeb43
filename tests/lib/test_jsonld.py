"""lib/jsonld.py escapes what could end its <script> element, with our own table."""

import json

from lib.jsonld import json_ld


def test_json_ld_escapes_angle_brackets_and_ampersands_and_reads_back():
    data = {"name": "Évasion </script><script>alert(1)</script> & <!-- co", "url": "https://exemple.re/?a=1&b=2"}
    text = json_ld(data)
    assert not {"<", ">", "&"} & set(text)
    assert "\\u003C/script\\u003E" in text and "\\u0026" in text
    assert "Évasion" in text, "accents stay readable"
    assert json.loads(text) == data
