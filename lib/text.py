"""Text folding shared by the searches: what two spellings of the same words have in common."""

import unicodedata

# Ligatures that Unicode does not decompose but PostgreSQL's unaccent does.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def normalise_text(text: str) -> str:
    """Lower case, no accents, single spaces (as PostgreSQL's lower(unaccent(...)))."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())
