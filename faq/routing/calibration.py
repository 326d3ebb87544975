"""The proposal margin, calibrated from the department profiles themselves.

Every duty, keyword and FAQ question is a labelled example of its department, so the
profiles can test themselves: each one is routed with itself left out of the index
(leave-one-out), which is like a demand worded differently from anything in the files.
The margin is the loosest one (on :data:`MARGIN_RANGE`) at which the wrong proposals on
these probes stay within ``target_wrong_rate`` of them (never fewer than
:data:`MIN_TOLERATED`: a handful of misses on a small file is noise, not a rate). Profiles
with fewer than :data:`MIN_PROBES` phrases keep :data:`~faq.routing.router.DEFAULT_MARGIN`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.routing.router import Router, RouteThresholds

PROBE_SOURCES = ("duty", "keyword", "faq", "faq-keyword")
MIN_PROBES = 30
MAX_PROBES = 1500  # sampled beyond this: keeps loading a large city's files quick
MIN_TOLERATED = 3
MARGIN_RANGE = (3.0, 80.0)


@dataclass(frozen=True)
class Probe:
    lead: float
    right: bool  # the first candidate is the phrase's department


def collect_probes(router: Router, seed: int = 7) -> list[Probe]:
    jobs = [p for p, ph in enumerate(router.phrases) if ph.source in PROBE_SOURCES]
    if len(jobs) > MAX_PROBES:
        jobs = sorted(random.Random(seed).sample(jobs, MAX_PROBES))
    probes = []
    for p in jobs:
        phrase = router.phrases[p]
        result = router.decide(router.rank(phrase.text, exclude=p))
        probes.append(Probe(result.lead, result.first == phrase.slug))
    return probes


def fit_margin(router: Router) -> RouteThresholds:
    from faq.routing.router import DEFAULT_MARGIN, RouteThresholds

    probes = collect_probes(router)
    if len(probes) < MIN_PROBES:
        return RouteThresholds(DEFAULT_MARGIN, "default")
    allowed = max(router.config.target_wrong_rate * len(probes), MIN_TOLERATED)
    lo, hi = MARGIN_RANGE
    margin = lo
    while margin < hi:
        wrong = sum(1 for p in probes if p.lead >= margin and not p.right)
        if wrong <= allowed:
            break
        margin += 1.0
    return RouteThresholds(margin, "calibrated")
