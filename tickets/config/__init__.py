"""The departments file: departments, SLA windows, canned replies, duties and keywords, the
calendar's local exceptions, the scheduler's policy (:mod:`.desk`), validated with
``FILE:LINE`` problems."""
