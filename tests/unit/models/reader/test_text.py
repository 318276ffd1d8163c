"""What the reader reads: the unit, then the text that frames it."""

from __future__ import annotations

from assistant.models.reader.text import MAX_SETTING_CHARS, SEPARATOR, unit_text


def test_a_unit_without_a_setting_is_read_alone():
    assert unit_text("  The COO leads.  ") == "The COO leads."


def test_the_setting_follows_the_unit_after_the_separator():
    text = unit_text("Leading planning", title="Roles", section="COO", leadin="Duties include:")
    unit, setting = text.split(SEPARATOR)
    assert unit == "Leading planning"
    assert setting == "Roles · COO · Duties include:"


def test_a_section_that_repeats_the_title_is_not_said_twice():
    assert unit_text("x", title="Roles", section="Roles").endswith(f"{SEPARATOR}Roles")


def test_a_long_setting_keeps_its_end_nearest_the_unit():
    text = unit_text("x", before="word " * 200 + "LAST")
    setting = text.split(SEPARATOR)[1]
    assert setting.endswith("LAST") and len(setting) <= MAX_SETTING_CHARS + 1
