import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_settings_read():
    source = (ROOT / "cress" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:str|bool|int|intlist|list|date)\(\s*"([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE))
    assert read - listed == set(), "variables missing from .env.example"
    assert listed - read == set(), "variables in .env.example that the settings never read"
