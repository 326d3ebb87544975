"""Department routing: which department a citizen's demand belongs to (see router.py).

Pure domain code: the departments file's duties and keywords, the FAQ's entries and the
lessons learned from transfers and corrections go in; a proposal (or none) and the best
candidates come out. No channel, no database: ``tickets.routing`` keeps the lessons.
"""

from faq.routing.lessons import Lesson, LessonIndex
from faq.routing.router import (
    RouteCandidate,
    Router,
    RouterConfig,
    RouteResult,
    RouteThresholds,
)

__all__ = [
    "Lesson",
    "LessonIndex",
    "RouteCandidate",
    "RouteResult",
    "RouteThresholds",
    "Router",
    "RouterConfig",
]
