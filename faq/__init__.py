"""FAQ domain: knowledge-base loading, validation, matching and hot reload.

No Telegram code here; the bot wires these objects in ``bot/``.
"""

from faq.holder import KnowledgeBaseHolder, ReloadResult, watch
from faq.knowledge_base import KnowledgeBase
from faq.loader import load_knowledge_base
from faq.models import (
    Candidate,
    Entry,
    LoadResult,
    MatcherConfig,
    MatchResult,
    Problem,
    Thresholds,
)
from faq.text import detect_language

__all__ = [
    "Candidate",
    "Entry",
    "KnowledgeBase",
    "KnowledgeBaseHolder",
    "LoadResult",
    "MatchResult",
    "MatcherConfig",
    "Problem",
    "ReloadResult",
    "Thresholds",
    "detect_language",
    "load_knowledge_base",
    "watch",
]
