import math

import pytest

from metavis_gui.contract import (
    TICKS_PER_SECOND,
    ContractError,
    InvalidTime,
    seconds_from_ticks,
    ticks_from_seconds,
)


def test_one_tick_is_one_sixty_thousandth_of_a_second() -> None:
    assert TICKS_PER_SECOND == 60000
    assert ticks_from_seconds(1.0) == 60000
    assert ticks_from_seconds(1) == 60000
    assert ticks_from_seconds(0.0) == 0
    assert ticks_from_seconds(-0.0) == 0


@pytest.mark.parametrize(
    ("seconds", "ticks"),
    [
        (0.5 / 60000, 1),  # exactly half a tick rounds away from zero
        (1.5 / 60000, 2),
        (2.5 / 60000, 3),  # not banker's rounding: 2.5 -> 3, not 2
        (3.5 / 60000, 4),
        (0.000025, 2),  # 1.5 ticks written as a decimal
        (0.0000083333, 0),  # 0.499998 ticks stays below the half
        (0.0000083334, 1),  # 0.500004 ticks
        (0.49 / 60000, 0),
        (0.51 / 60000, 1),
    ],
)
def test_half_ticks_round_away_from_zero(seconds: float, ticks: int) -> None:
    assert ticks_from_seconds(seconds) == ticks


def test_every_exact_and_half_tick_for_the_first_ten_seconds() -> None:
    for tick in range(0, 600_000, 7):
        assert ticks_from_seconds(tick / 60000) == tick
        assert ticks_from_seconds((tick + 0.5) / 60000) == tick + 1
        assert ticks_from_seconds(tick * (1 / 60000)) == tick


def test_large_values_stay_exact() -> None:
    three_hours = 3 * 3600
    assert ticks_from_seconds(float(three_hours)) == 648_000_000
    assert ticks_from_seconds(three_hours + 0.5 / 60000) == 648_000_001
    assert ticks_from_seconds(three_hours + 1 / 60000) == 648_000_001
    assert ticks_from_seconds(10799.999991666) == 647_999_999  # 647999999.49996 ticks
    last_tick = 648_000_000 - 1
    assert ticks_from_seconds(last_tick / 60000) == last_tick
    assert ticks_from_seconds((last_tick + 0.5) / 60000) == last_tick + 1


def test_float_artefacts_do_not_leak_into_ticks() -> None:
    assert 0.1 + 0.2 != 0.3
    assert ticks_from_seconds(0.1 + 0.2) == 18000
    assert ticks_from_seconds(0.3) == 18000
    assert ticks_from_seconds(sum([0.1] * 10)) == 60000
    assert ticks_from_seconds(1.1 * 3) == 198000


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (-0.001, "-0.001"),
        (-1, "-1"),
        (-1e-12, "-1e-12"),
    ],
)
def test_non_finite_and_negative_seconds_are_rejected_with_the_value(bad: float, shown: str) -> None:
    with pytest.raises(InvalidTime) as caught:
        ticks_from_seconds(bad)
    assert f"got {shown} s" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, ContractError)


@pytest.mark.parametrize("bad", [True, "1.0", None])
def test_non_numbers_are_rejected(bad: object) -> None:
    with pytest.raises(InvalidTime):
        ticks_from_seconds(bad)  # type: ignore[arg-type]


def test_seconds_from_ticks_is_ticks_over_sixty_thousand() -> None:
    assert seconds_from_ticks(60000) == 1.0
    assert seconds_from_ticks(90000) == 1.5
    assert seconds_from_ticks(0) == 0.0
    assert seconds_from_ticks(-30000) == -0.5
    for tick in (1, 7, 59_999, 648_000_001):
        assert ticks_from_seconds(seconds_from_ticks(tick)) == tick


def test_seconds_from_ticks_rejects_non_integers() -> None:
    with pytest.raises(InvalidTime):
        seconds_from_ticks(1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTime):
        seconds_from_ticks(True)
