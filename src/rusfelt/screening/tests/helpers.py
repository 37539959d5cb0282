"""Build answer lists (option indices) that reach a given total, for boundary tests.

Written from the published point tables, not from the code under test:
items scoring 0-4 have options worth 0, 1, 2, 3, 4; the last two items of
AUDIT and DUDIT have three options worth 0, 2 and 4.
"""

#: Per instrument: for each item, the points of its options (AUDIT WHO 2001
#: Box 4; DUDIT manual 2003 table 2).
POINT_TABLES = {
    "audit": [(0, 1, 2, 3, 4)] * 8 + [(0, 2, 4)] * 2,
    "audit-c": [(0, 1, 2, 3, 4)] * 3,
    "dudit": [(0, 1, 2, 3, 4)] * 9 + [(0, 2, 4)] * 2,
}


def answers_for(code: str, target: int) -> list[int]:
    table = POINT_TABLES[code]
    answers = [0] * len(table)
    remaining = target
    # The 0/2/4 items first, taking even points, then the 0-4 items.
    order = sorted(range(len(table)), key=lambda i: len(table[i]))
    for i in order:
        if len(table[i]) == 3:  # worth 0, 2 or 4
            points = min(4, remaining // 2 * 2)
            answers[i] = points // 2
        else:  # worth 0-4
            points = min(4, remaining)
            answers[i] = points
        remaining -= points
    assert remaining == 0, f"cannot reach {target} on {code}"
    assert sum(table[i][a] for i, a in enumerate(answers)) == target
    return answers
