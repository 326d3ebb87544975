"""What tests share: building the people and things a test starts from, the same way
everywhere (the conftest harnesses of each area import from here)."""
