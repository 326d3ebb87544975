"""Figures about the desk's work: each department's response, on-time, resolution and
satisfaction rates, ranked the way 12345 hotlines publish them (:mod:`.stats`)."""
