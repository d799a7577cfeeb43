"""Deleting the keys under a prefix in a Redis database that others share.

FLUSHDB empties the whole database: whatever else uses it (the broker, another site,
another test run) loses its keys too. What owns a prefix deletes only its own keys.
"""

import re

BATCH = 1000


def glob_escape(text: str) -> str:
    """`text` matched literally in a Redis SCAN pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def delete_prefixed(client, prefix: str) -> int:
    """Delete every key of `client`'s database that starts with `prefix`; return how many."""
    if not prefix:
        raise ValueError("an empty prefix would delete the whole database")
    deleted = 0
    batch = []
    for key in client.scan_iter(match=f"{glob_escape(prefix)}*", count=BATCH):
        batch.append(key)
        if len(batch) == BATCH:
            deleted += client.unlink(*batch)
            batch = []
    if batch:
        deleted += client.unlink(*batch)
    return deleted
