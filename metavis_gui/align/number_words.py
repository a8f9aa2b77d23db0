"""Numbers as English speakers say them, for the aligner: 1989 -> nineteen eighty nine, 21st -> twenty first.

A number can be read more than one way ("1500": fifteen hundred, one thousand five hundred), so the
readers return every likely reading and the aligner picks the one the audio holds.
"""

from __future__ import annotations

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_OF_CARDINAL = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_LARGEST_SPOKEN = 10**15


def cardinal_words(number: int) -> tuple[str, ...]:
    """0 -> (zero,); 2021 -> (two, thousand, twenty, one); no "and", as American speakers read."""
    if number < 0:
        return ("minus", *cardinal_words(-number))
    if number >= _LARGEST_SPOKEN:
        return digit_words(str(number))
    if number < 20:
        return (_ONES[number],)
    if number < 100:
        tens, ones = divmod(number, 10)
        return (_TENS[tens],) + ((_ONES[ones],) if ones else ())
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return (_ONES[hundreds], "hundred") + (cardinal_words(rest) if rest else ())
    for scale, name in _SCALES:
        if number >= scale:
            count, rest = divmod(number, scale)
            return cardinal_words(count) + (name,) + (cardinal_words(rest) if rest else ())
    raise AssertionError("unreachable: every number >= 1000 has a scale")


def ordinal_words(number: int) -> tuple[str, ...]:
    """21 -> (twenty, first); 100 -> (one, hundredth)."""
    *head, last = cardinal_words(number)
    if last in _ORDINAL_OF_CARDINAL:
        last = _ORDINAL_OF_CARDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return (*head, last)


def year_words(number: int) -> tuple[str, ...] | None:
    """1989 -> (nineteen, eighty, nine); 1900 -> (nineteen, hundred); 2005 -> (two, thousand, five); None if
    the number is not read as a year (outside 1100-2099)."""
    if not 1100 <= number <= 2099:
        return None
    century, rest = divmod(number, 100)
    if 2000 <= number <= 2009:
        return cardinal_words(number)
    if rest == 0:
        return cardinal_words(century) + ("hundred",)
    if rest < 10:
        return cardinal_words(century) + ("oh", _ONES[rest])
    return cardinal_words(century) + cardinal_words(rest)


def digit_words(digits: str) -> tuple[str, ...]:
    """Digit by digit, as phone numbers and long codes are read."""
    return tuple(_ONES[int(digit)] for digit in digits if digit.isdigit())


def integer_readings(digits: str) -> list[tuple[str, ...]]:
    """Every likely reading of a run of digits, the most likely first."""
    number = int(digits)
    readings: list[tuple[str, ...]] = []
    year = year_words(number) if len(digits) == 4 else None
    if year is not None:
        readings.append(year)
    if len(digits) > 1 and digits.startswith("0"):
        readings.append(digit_words(digits))
    readings.append(cardinal_words(number))
    if len(digits) == 4 and number % 100 and year is None and 1000 < number < 10000:
        readings.append(cardinal_words(number // 100) + ("hundred",) + cardinal_words(number % 100))
    return _unique(readings)


def decimal_readings(whole: str, fraction: str) -> list[tuple[str, ...]]:
    """3.5 -> three point five; .5 -> point five (and zero point five)."""
    after_point = ("point", *digit_words(fraction))
    if not whole:
        return [after_point, ("zero", *after_point)]
    readings = [cardinal_words(int(whole)) + after_point]
    if int(whole) == 0:
        readings.append(after_point)
    return readings


def _unique(readings: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(readings))
