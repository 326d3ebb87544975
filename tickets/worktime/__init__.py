"""Working time: the city's calendar (working hours, weekends, public holidays and make-up
days from the city's yearly files and the packages: :mod:`.calendar`, :mod:`.yearschedule`)
and the windows deadlines are written in (``4h``, ``3d``: :mod:`.durations`)."""
