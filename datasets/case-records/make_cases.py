#!/usr/bin/env python3
"""Write cases.csv: 40 invented case records of a fictional police cybercrime unit.

The records are made up from the lists below with a seeded random generator, so every run
writes exactly the same file (Python standard library only, no internet needed).
No real person, case, account, phone number, domain or IP address is in the file.

Run it from any folder:

    python datasets/case-records/make_cases.py

Used by module m00-getting-started (lessons 03 and the graded exercise 04).
If you change this script, the exercise answers change too: re-check the exercise's
hidden tests and the typical-mistake submission in grading/mistakes/.
"""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

SEED = 7
COUNT = 40
YEAR = 2024

COLUMNS = [
    "case_id",
    "opened",
    "city",
    "offence",
    "platform",
    "victims",
    "loss_kzt",
    "status",
    "investigator",
]

# City and how often a case is opened there (weights, not counts).
CITIES = {
    "Almaty": 8,
    "Astana": 6,
    "Bishkek": 5,
    "Osh": 3,
    "Dushanbe": 4,
    "Tashkent": 6,
    "Samarkand": 3,
    "Ashgabat": 2,
}

# Offence: (weight, platforms it is usually reported on, smallest and largest loss in tenge).
OFFENCES = {
    "online fraud": (9, ["marketplace", "Telegram", "social network"], (40_000, 3_500_000)),
    "phishing": (7, ["e-mail", "Telegram", "social network"], (15_000, 1_800_000)),
    "extortion": (4, ["Telegram", "social network", "e-mail"], (0, 900_000)),
    "drug sale online": (4, ["Telegram", "forum"], (0, 0)),
    "identity theft": (3, ["forum", "e-mail", "marketplace"], (0, 600_000)),
    "account takeover": (4, ["social network", "Telegram", "e-mail"], (10_000, 1_200_000)),
}

STATUSES = {"open": 5, "closed": 3, "sent to court": 2}

# Invented investigators of the fictional unit (initial and an invented surname).
INVESTIGATORS = [
    "Inv. A. Serikbayeva",
    "Inv. B. Tokonov",
    "Inv. D. Rakhimova",
    "Inv. K. Nurlanov",
    "Inv. M. Saidzoda",
    "Inv. S. Orazberdiyev",
]


def pick(rng: random.Random, weights: dict) -> str:
    """One key of ``weights``, chosen in proportion to its weight."""
    keys = list(weights)
    values = [w[0] if isinstance(w, tuple) else w for w in weights.values()]
    return rng.choices(keys, weights=values, k=1)[0]


def make_records(seed: int = SEED, count: int = COUNT) -> list[dict]:
    """The invented case records, in the order the cases were opened."""
    rng = random.Random(seed)
    first_day = datetime.date(YEAR, 1, 1)
    days = sorted(rng.randrange(0, 366) for _ in range(count))
    records = []
    for number, day in enumerate(days, start=1):
        offence = pick(rng, OFFENCES)
        _, platforms, (low, high) = OFFENCES[offence]
        platform = rng.choice(platforms)
        if offence == "drug sale online":
            victims = 0
        elif offence == "online fraud" and platform == "marketplace":
            victims = rng.randint(1, 35)
        else:
            victims = rng.randint(1, 4)
        # Round the loss to whole thousands of tenge, as in a report.
        loss = 0 if high == 0 else rng.randint(low // 1000, high // 1000) * 1000
        opened = first_day + datetime.timedelta(days=day)
        # Cases opened late in the year are more often still open.
        status_weights = dict(STATUSES)
        if opened.month >= 10:
            status_weights["open"] += 6
        records.append(
            {
                "case_id": f"CASE-{YEAR}-{number:03d}",
                "opened": opened.isoformat(),
                "city": pick(rng, CITIES),
                "offence": offence,
                "platform": platform,
                "victims": victims,
                "loss_kzt": loss,
                "status": pick(rng, status_weights),
                "investigator": rng.choice(INVESTIGATORS),
            }
        )
    return records


def main() -> None:
    target = Path(__file__).resolve().with_name("cases.csv")
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(make_records())
    print(f"wrote {COUNT} records to {target}")


if __name__ == "__main__":
    main()
