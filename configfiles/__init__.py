"""Reading the files administrators edit (the FAQ folder, the departments file, the yearly
holiday schedules, text overrides): every problem as ``FILE:LINE: message``
(:class:`Problem`), YAML read line-aware (:mod:`.yamlnodes`). Shared by ``faq/``, ``tickets/``
and ``locales/``; it knows nothing about any of them."""

from configfiles.problems import Problem

__all__ = ["Problem"]
