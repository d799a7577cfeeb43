"""Small counts published so that nobody can be recognised, even by subtraction.

A count of 1 or 2 is never published (primary secrecy). Totals are published too, so a
small count left alone among shown ones would come back by difference: the
intercommunality's figure minus its other communes. Within each group (a total and the
parts that make it up) other parts are therefore hidden as well (secondary secrecy), the
smallest first, and the total itself when no part is left to hide, until every small count
could be 1 as well as 2 from what is published. The groups are checked again after each
change, since a hidden cell also sits in other groups (a commune in its intercommunality
and in its arrondissement).

Both kinds of hidden cells are published with one mark (« s »), so that a reader knows of
each only that it is not zero: were they told apart, two small communes whose
intercommunality is small too would both read as 1.

This is the reasoning statistical institutes apply to their tables (INSEE's « secret
induit »), for plain counts; the observatory applies its own, richer rules to
establishments, employees and payroll (observatoire.secrecy).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"


@dataclass(frozen=True)
class Group:
    """A published total and the parts whose counts add up to it."""

    total: Hashable
    parts: tuple


def _exposed(group: Group, counts: dict, state: dict) -> bool:
    """True when the group lets a reader work out the exact count of one of its hidden
    cells (small ones, and those hidden to cover them, which would cover nothing), knowing
    the shown counts exactly and each hidden one as « at least 1 »."""
    hidden = [part for part in group.parts if state[part] != SHOWN]
    if state[group.total] != SHOWN:
        # A hidden total is at least its parts' sum, with no bound above, unless every part is shown.
        return not hidden
    if not hidden:
        return False
    rest = counts[group.total] - sum(counts[part] for part in group.parts if state[part] == SHOWN)
    # One hidden part alone is the rest; several share it, each at least 1, so each is
    # between 1 and rest - (the others' number): one value only when rest is that number.
    return len(hidden) == 1 or rest <= len(hidden)


def _next_to_hide(group: Group, counts: dict, state: dict):
    """The smallest part still shown that is worth hiding (a zero is never hidden: a hidden
    cell is not zero); the total when there is none; None when the total is hidden already."""
    candidates = [part for part in group.parts if state[part] == SHOWN and counts[part] > 0]
    if candidates:
        return min(candidates, key=lambda part: (counts[part], str(part)))
    return group.total if state[group.total] == SHOWN else None


def protect(counts: dict, groups: Iterable[Group], *, threshold: int = 3) -> dict:
    """The state (SHOWN, SMALL or HIDDEN) of each cell of `counts` once every group is safe."""
    groups = list(groups)
    state = {cell: SMALL if 0 < count < threshold else SHOWN for cell, count in counts.items()}
    changed = True
    while changed:
        changed = False
        for group in groups:
            while _exposed(group, counts, state):
                cell = _next_to_hide(group, counts, state)
                if cell is None:
                    break
                state[cell] = HIDDEN
                changed = True
    return state
