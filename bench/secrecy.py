"""Time of the secrecy mask on a realistic random cube (no database, no Django).

    python -m bench.secrecy            (options: --seed, --establishments, --outside, --repeat)

A région with 5 EPCI, 4 arrondissements and 24 communes (34 territories), 5 families and
their « ESS » total, 21 NAF sections of 4 divisions each and « TOUT » (106 sectors): about
24 000 cells. Establishments are drawn one by one (commune, family, division, lognormal
headcount), then summed up every hierarchy, keeping the largest establishment per cell for
dominance. With `--outside N`, N employers outside the ESS join the cube as publication
builds it: « ENSEMBLE » = « ESS » + « HORS » for every territory and sector. Prints the
cube's size, the primary and secondary counts and the time.
"""

import argparse
import math
import random
import time
from collections import defaultdict
from decimal import Decimal

from observatoire.secrecy import Cell, Dimensions, Hierarchy, Status, compute_mask


def build_cube(*, seed: int, establishments: int, dense: bool = True, outside: int = 0):
    rng = random.Random(seed)
    communes = [f"974{number:02d}" for number in range(1, 25)]
    epci = {commune: f"EPCI{index % 5}" for index, commune in enumerate(communes)}
    arrondissement = {commune: f"ARR{index % 4}" for index, commune in enumerate(communes)}
    territory_trees = (
        {**epci, **dict.fromkeys(set(epci.values()), "R")},
        {**arrondissement, **dict.fromkeys(set(arrondissement.values()), "R")},
    )
    families = ["ASSO", "COOP", "MUT", "FOND", "ESUS"]
    sections = [chr(ord("A") + index) for index in range(21)]
    divisions = {f"{section}{number}": section for section in sections for number in range(4)}
    sector_tree = {**divisions, **dict.fromkeys(sections, "TOUT")}
    family_tree = dict.fromkeys(families, "ESS") | ({"ESS": "ENSEMBLE", "HORS": "ENSEMBLE"} if outside else {})
    dimensions = Dimensions(
        territory=Hierarchy.from_parents(*territory_trees),
        family=Hierarchy.from_parents(family_tree),
        sector=Hierarchy.from_parents(sector_tree),
    )

    def ancestors(code, trees):
        found, todo = {code}, [code]
        while todo:
            current = todo.pop()
            for tree in trees:
                if current in tree and tree[current] not in found:
                    found.add(tree[current])
                    todo.append(tree[current])
        return found

    territory_up = {commune: ancestors(commune, territory_trees) for commune in communes}
    division_up = {division: ancestors(division, (sector_tree,)) for division in divisions}
    # A few big communes and a skewed sector mix, as in a real region.
    commune_weights = [1 / (rank + 1) for rank in range(len(communes))]
    division_weights = [math.exp(rng.gauss(0, 1.2)) for _ in divisions]
    family_weights = [70, 8, 5, 2, 15]
    sums = defaultdict(lambda: [0, 0, Decimal(0), 0, 0])  # count, employees, fte, payroll, largest
    division_list = list(divisions)
    for number in range(establishments + outside):
        commune = rng.choices(communes, commune_weights)[0]
        if number < establishments:
            rolled_up = (rng.choices(families, family_weights)[0], "ESS", *(("ENSEMBLE",) if outside else ()))
        else:
            rolled_up = ("HORS", "ENSEMBLE")
        division = rng.choices(division_list, division_weights)[0]
        employees = max(1, int(rng.lognormvariate(1.6, 1.3)))
        fte = Decimal(employees) * Decimal("0.8")
        payroll = employees * 24_000
        for territory in territory_up[commune]:
            for fam in rolled_up:
                for sector in division_up[division]:
                    row = sums[(territory, fam, sector)]
                    row[0] += 1
                    row[1] += employees
                    row[2] += fte
                    row[3] += payroll
                    row[4] = max(row[4], employees)
    cells = {
        key: Cell(
            establishments=count,
            employees=employees,
            fte=fte,
            payroll=payroll,
            largest_employees=largest,
            largest_fte=Decimal(largest) * Decimal("0.8"),
            largest_payroll=largest * 24_000,
        )
        for key, (count, employees, fte, payroll, largest) in sums.items()
    }
    if dense:  # every combination, true zeros included, as a stored cube would hold them
        territories = {code for commune in communes for code in territory_up[commune]}
        sectors = {code for division in divisions for code in division_up[division]}
        for territory in territories:
            for family in [*families, "ESS", *(("HORS", "ENSEMBLE") if outside else ())]:
                for sector in sectors:
                    cells.setdefault((territory, family, sector), Cell(establishments=0, employees=0, fte=0, payroll=0))
    return cells, dimensions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--establishments", type=int, default=2_000)
    parser.add_argument("--outside", type=int, default=0, help="employers outside the ESS (whole economy)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sparse", action="store_true", help="only the cells with establishments")
    args = parser.parse_args()
    cells, dimensions = build_cube(
        seed=args.seed, establishments=args.establishments, dense=not args.sparse, outside=args.outside
    )
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        mask = compute_mask(cells=cells, dimensions=dimensions)
        times.append(time.perf_counter() - started)
    previous = mask
    started = time.perf_counter()
    again = compute_mask(cells=cells, dimensions=dimensions, previous=previous)
    with_previous = time.perf_counter() - started
    statuses = [secret.status for secret in mask.hidden.values()]
    print(
        f"cube: {len(cells)} cells from {args.establishments} ESS establishments"
        f" and {args.outside} outside the ESS (seed {args.seed})"
    )
    print(
        f"hidden: {statuses.count(Status.PRIMARY)} primary, {statuses.count(Status.SECONDARY)} secondary, "
        f"{len(cells) - len(statuses)} published"
    )
    print(f"compute_mask: best {min(times):.2f} s of {args.repeat}, with the previous mask {with_previous:.2f} s")
    print(f"same mask with the previous one given: {again.hidden == mask.hidden}")


if __name__ == "__main__":
    main()
