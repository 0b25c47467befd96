"""The reproducers of issue 20 ("every step exactly right"), shared by the CPython suite
(tests/data/test_reproducers.py: the right figure and words) and the browser's parity test
(tests/browser/test_parity.py: the browser shows what CPython computes). 7.1's TV inputs are
the two broadcasts' minutes the issue asked for (item 3), in place of one length and a choice
of stations."""

from __future__ import annotations

from typing import NamedTuple


class Reproducer(NamedTuple):
    items: str  # the numbered items it reproduces
    measure: str
    inputs: dict[str, str]
    on: str


ESTIMATES = [
    Reproducer("1", "1.4", {"selected": "yes", "investment": "500000", "in_use": "yes",
                            "awards": "city"}, "2026-11-20"),
    Reproducer("2", "7.1", {"tv_national_minutes": "400", "tv_provincial_minutes": "400",
                            "tv_received": "450000"}, "2026-11-01"),
    Reproducer("3", "7.1", {"tv_national_minutes": "300", "tv_provincial_minutes": "400",
                            "tv_received": "600000"}, "2026-11-01"),
    Reproducer("4 5", "6.1", {"software_enterprise": "yes", "grade": "CS5",
                              "grade_before": "CS3", "cert_fee": "100000.02",
                              "cert_received": "150000"}, "2026-10-01"),
    Reproducer("5", "1.4", {"selected": "yes", "investment": "666666.67", "in_use": "no"},
               "2026-11-20"),
    Reproducer("5", "2.1", {"selected": "yes", "investment": "66.666667万"}, "2026-11-20"),
    Reproducer("6", "6.1", {"software_enterprise": "yes", "grade": "CS5",
                            "grade_before": "CS4"}, "2026-11-01"),
    Reproducer("6", "7.1", {"film_chains": "national_or_cctv6", "film_minutes": "90",
                            "film_regional_paid": "yes"}, "2026-10-01"),
    Reproducer("6 8", "8.2", {"park_committee": "yes", "new_platform": "yes",
                              "investment": "100万"}, "2026-12-31"),
    Reproducer("6", "1.4", {"selected": "no", "in_use": "yes", "awards": "national,provincial",
                            "paid": "100000"}, "2027-09-15"),
    Reproducer("7", "1.5", {"data_business": "yes", "revenue": "800万", "best_before": "1200万"},
               "2027-04-01"),
    Reproducer("8", "6.1", {"software_enterprise": "yes", "grade": "CS1"}, "2026-11-01"),
    Reproducer("8", "7.1", {"tv_provincial_minutes": "300"}, "2026-11-01"),
]

# Item 1's self-check profile, as the issue gives it, and the day it is checked on.
PROFILE = ({"has_data_projects": "yes", "big_data_demo_selected": "yes",
            "big_data_demo_investment": "500000", "data_contest_project_in_use": "yes",
            "data_contest_award_levels": ["city"]}, "2026-11-20")
