"""Valid document numbers for tests, made with an independent implementation of the GB 11643 check."""
import datetime
import itertools

_serial = itertools.count(100)


def with_check(first17: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's definition: W_i = 2^(i-1) mod 11
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def resident_id(region="440305", birth=datetime.date(2000, 5, 17), serial=None, male=True) -> str:
    """A valid 居民身份证 number; a fresh serial each call, so numbers do not collide."""
    serial = serial if serial is not None else next(_serial) % 500 * 2 + (1 if male else 0)
    if male != bool(serial % 2):
        serial += 1
    return with_check(f"{region}{birth:%Y%m%d}{serial % 1000:03d}")
