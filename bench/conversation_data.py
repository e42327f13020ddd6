"""1:1s and feedback over a whole organisation: the dataset of ``conversation_pages``.

On a copy of ``bench/goals_data.py``'s dataset (people, a year of goals), in plain
set-based SQL (the services would take hours at this size), rows that satisfy the
models' constraints (one series per pair, never with oneself, one meeting per series
and time, one private note per author and meeting, one reaction per person and kind,
no feedback to oneself):

* a 1:1 series (every two weeks) for every manager and active direct report: at
  100,000 people ~98,000 series. Each has two held meetings (four and two weeks ago,
  each with a talking point, the latest with an action item) and the next one
  scheduled;
* for one chosen pair — a manager with a team of 12 and their first report — two years
  of meetings every two weeks (52 held, the next scheduled), each with three talking
  points (one carried over from the meeting before), two action items (a third of the
  older ones still open), shared notes and the manager's private note;
* 7 company values; ~3 feedback per person (300,000 at 100,000 people) over the last
  two years, one in five public praise; every praise tagged with one or two of the
  first six values, a third of the private feedback with one, and one praise in 1,000
  with the seventh (a value hardly used: the wall filtered by it reads far);
  reactions (0–4) on the praise; one in 500 hidden by HR. The chosen report receives
  300 more (a fifth of them praise).

Cached by a fingerprint of the migrations and this file (``support.cached_file``);
what the workload needs (who is who, which meeting) is kept in a small
``bench_conversation_info`` table.
"""

import contextlib
import datetime
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench import support

SEED = 11
INFO_TABLE = "bench_conversation_info"
TEAM_SIZE = 12
HISTORY_MEETINGS = 52  # two years every two weeks
FEEDBACK_PER_PERSON = 3
PUBLIC_EVERY = 5  # 20 % public praise
HIDDEN_EVERY = 500
CHOSEN_RECEIVED = 300
VALUES = (
    ("Customers first", "We start from what our customers need."),
    ("Own it", "We do what we said, and say so when we cannot."),
    ("Be candid", "We say what we think, kindly."),
    ("Learn every day", "We try, measure and share what we learnt."),
    ("Win together", "We help each other over the line."),
    ("Keep it simple", "We remove before we add."),
    ("Have fun", "We enjoy the work and each other."),  # rare: RARE_EVERY
)
RARE_EVERY = 1000  # one praise in RARE_EVERY is tagged with the last value too
REACTIONS = ("applause", "heart", "celebrate")
PRAISE = (
    "Thank you for stepping in on the release: it went out on time because of you.",
    "Your walkthrough of the new process saved the team hours this week.",
    "Great job with the customer call: calm, clear and kind.",
    "The onboarding notes you wrote are the best we have had.",
)
PRIVATE = (
    "The report was thorough; next time a summary at the top would help the readers.",
    "You handled the incident well. Let us talk about how to share updates sooner.",
    "Thanks for the review comments: precise and easy to act on.",
    "In meetings, leaving a little more room for others to speak would help.",
)


@dataclass(frozen=True)
class Info:
    """What the workload needs of the dataset (ids)."""

    manager_id: int
    report_id: int
    series_id: int
    next_meeting_id: int
    latest_held_id: int
    value_id: int
    rare_value_id: int


def conversation_database(size: int, fresh: bool = False) -> Path:
    """The cached database: the goals dataset plus 1:1s and feedback (built once per
    code change)."""
    from bench.goals_data import goals_database

    source = goals_database(size, fresh)
    key = support.source_fingerprint(
        "cadence/*/migrations/*.py", "bench/goals_data.py", "bench/conversation_data.py"
    )

    def build(path: Path) -> None:
        support.copy_database(source, path)
        with support.Stopwatch() as sw:
            counts = add_conversations(path)
        support.log(f"conversations: {counts} in {sw.seconds:.1f} s")

    return support.cached_file(
        f"conversations-{size}-{key}.sqlite3",
        build,
        fresh=fresh,
        replaces=f"conversations-{size}-*.sqlite3",
    )


def read_info(db: Path) -> Info:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            f"SELECT manager_id, report_id, series_id, next_meeting_id, latest_held_id,"  # noqa: S608
            f" value_id, rare_value_id FROM {INFO_TABLE}"
        ).fetchone()
    return Info(*row)


def _ts(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _pick_pair(conn: sqlite3.Connection) -> tuple[int, int]:
    """A manager with TEAM_SIZE active reports who manage nobody (else the largest such
    team), and their first report with an account."""
    rows = conn.execute(
        "SELECT m.id, COUNT(r.id) AS team FROM people_person m"
        " JOIN people_person r ON r.manager_id = m.id AND r.status = 'active'"
        " WHERE m.status = 'active' AND m.user_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM people_person rr JOIN people_person x"
        "   ON x.manager_id = rr.id WHERE rr.manager_id = m.id)"
        " GROUP BY m.id ORDER BY (COUNT(r.id) = ?) DESC, COUNT(r.id) DESC, m.id LIMIT 1",
        (TEAM_SIZE,),
    ).fetchone()
    if rows is None:
        raise RuntimeError("Nobody in the organisation has a team.")
    manager_id = rows[0]
    report_id = conn.execute(
        "SELECT id FROM people_person WHERE manager_id = ? AND status = 'active'"
        " AND user_id IS NOT NULL ORDER BY id LIMIT 1",
        (manager_id,),
    ).fetchone()[0]
    return manager_id, report_id


def add_conversations(db: Path) -> dict[str, int]:
    """Insert the series, meetings, feedback, values and reactions into ``db``."""
    rng = random.Random(SEED)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        manager_id, report_id = _pick_pair(conn)
        _add_series(conn, now)
        series_id = conn.execute(
            "SELECT id FROM meetings_oneonone WHERE manager_id = ? AND report_id = ?",
            (manager_id, report_id),
        ).fetchone()[0]
        next_id, held_id = _add_history(conn, rng, now, series_id, manager_id, report_id)
        value_ids = _add_values(conn)
        feedback = _add_feedback(conn, rng, now, value_ids, report_id)
        conn.execute(
            f"CREATE TABLE {INFO_TABLE} (manager_id, report_id, series_id, next_meeting_id,"
            " latest_held_id, value_id, rare_value_id)"
        )
        conn.execute(
            f"INSERT INTO {INFO_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            (manager_id, report_id, series_id, next_id, held_id, value_ids[0], value_ids[-1]),
        )
        conn.execute("ANALYZE")
        meetings = conn.execute("SELECT COUNT(*) FROM meetings_meeting").fetchone()[0]
    return {"meetings": int(meetings), **feedback}


def _add_series(conn: sqlite3.Connection, now: datetime.datetime) -> None:
    """A series per manager and active report; two held meetings and the next one each."""
    created = _ts(now - datetime.timedelta(days=60))
    conn.execute(
        "INSERT INTO meetings_oneonone (cadence, first_on, starts_at, duration_minutes,"
        " time_zone, active, created_at, created_by_id, manager_id, report_id)"
        " SELECT 'biweekly', date(?, '-28 days', '+' || (r.id % 5) || ' days'), '10:00:00',"
        " 30, 'UTC', 1, ?, m.user_id, m.id, r.id"
        " FROM people_person r JOIN people_person m ON m.id = r.manager_id"
        " WHERE r.status = 'active' AND m.status = 'active' AND m.id != r.id ORDER BY r.id",
        (now.date().isoformat(), created),
    )
    offsets = ((-28, "held"), (-14, "held"), (14, "scheduled"))
    for days, state in offsets:
        conn.execute(
            "INSERT INTO meetings_meeting (scheduled_at, duration_minutes, state, ad_hoc,"
            " shared_notes, notes_version, sequence, created_at, one_on_one_id)"
            " SELECT datetime(o.first_on || ' 10:00:00', ? || ' days'), 30, ?, 0, ?, 0, 0,"
            " o.created_at, o.id FROM meetings_oneonone o",
            (str(days + 28), state, "Talked about the quarter's priorities." * (state == "held")),
        )
    conn.execute(
        'INSERT INTO meetings_talkingpoint (text, "order", resolved_at, created_at,'
        " author_id, carried_from_id, goal_id, meeting_id)"
        " SELECT 'How is the project going?', 0,"
        " CASE m.state WHEN 'held' THEN m.scheduled_at END, m.created_at, o.report_id,"
        " NULL, NULL, m.id FROM meetings_meeting m JOIN meetings_oneonone o"
        " ON o.id = m.one_on_one_id"
    )
    conn.execute(
        "INSERT INTO meetings_actionitem (text, due_on, done_at, created_at, created_by_id,"
        " owner_id, meeting_id)"
        " SELECT 'Send the summary to the team', date(m.scheduled_at, '+7 days'),"
        " CASE WHEN o.id % 2 = 0 THEN datetime(m.scheduled_at, '+3 days') END,"
        " m.scheduled_at, o.manager_id, o.report_id, m.id"
        " FROM meetings_meeting m JOIN meetings_oneonone o ON o.id = m.one_on_one_id"
        " WHERE m.scheduled_at = datetime(o.first_on || ' 10:00:00', '14 days')"
    )


def _add_history(
    conn: sqlite3.Connection,
    rng: random.Random,
    now: datetime.datetime,
    series_id: int,
    manager_id: int,
    report_id: int,
) -> tuple[int, int]:
    """Two years of meetings for the chosen pair (replacing its three); returns the ids
    of the next meeting and of the latest held one."""
    conn.execute(
        "DELETE FROM meetings_actionitem WHERE meeting_id IN (SELECT id FROM"
        " meetings_meeting WHERE one_on_one_id = ?)",
        (series_id,),
    )
    conn.execute(
        "DELETE FROM meetings_talkingpoint WHERE meeting_id IN (SELECT id FROM"
        " meetings_meeting WHERE one_on_one_id = ?)",
        (series_id,),
    )
    conn.execute("DELETE FROM meetings_meeting WHERE one_on_one_id = ?", (series_id,))
    first = (now - datetime.timedelta(weeks=2 * HISTORY_MEETINGS)).replace(
        hour=10, minute=0, second=0
    )
    conn.execute(
        "UPDATE meetings_oneonone SET first_on = ?, created_at = ? WHERE id = ?",
        (first.date().isoformat(), _ts(first - datetime.timedelta(days=7)), series_id),
    )
    carried: int | None = None
    ids: list[int] = []
    for n in range(HISTORY_MEETINGS + 1):
        when = first + datetime.timedelta(weeks=2 * n)
        held = n < HISTORY_MEETINGS
        meeting_id = conn.execute(
            "INSERT INTO meetings_meeting (scheduled_at, duration_minutes, state, ad_hoc,"
            " shared_notes, notes_version, sequence, created_at, one_on_one_id)"
            " VALUES (?, 30, ?, 0, ?, ?, 0, ?, ?)",
            (
                _ts(when),
                "held" if held else "scheduled",
                f"Meeting {n + 1}: went through the priorities, the blockers and the"
                " feedback since last time. Agreed the next steps below.\n" * 3
                if held
                else "",
                3 if held else 0,
                _ts(when - datetime.timedelta(days=14)),
                series_id,
            ),
        ).lastrowid
        assert meeting_id is not None
        ids.append(meeting_id)
        points = [
            (f"Follow-up from last time ({n})", manager_id, carried),
            (f"Progress on the current project ({n})", report_id, None),
            (f"Training and growth ({n})", report_id, None),
        ]
        carried = None
        for order, (text, author, carried_from) in enumerate(points):
            unresolved = order == 0 or not held
            point_id = conn.execute(
                'INSERT INTO meetings_talkingpoint (text, "order", resolved_at, created_at,'
                " author_id, carried_from_id, goal_id, meeting_id)"
                " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                (
                    text,
                    order,
                    None if unresolved else _ts(when),
                    _ts(when - datetime.timedelta(days=3)),
                    author,
                    carried_from,
                    meeting_id,
                ),
            ).lastrowid
            if order == 0 and held:
                carried = point_id
        if not held:
            continue
        for owner, text in ((report_id, "Write up the proposal"), (manager_id, "Ask HR")):
            open_ = rng.random() < 0.33 and n >= HISTORY_MEETINGS - 40
            conn.execute(
                "INSERT INTO meetings_actionitem (text, due_on, done_at, created_at,"
                " created_by_id, owner_id, meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    f"{text} ({n})",
                    (when + datetime.timedelta(days=10)).date().isoformat(),
                    None if open_ else _ts(when + datetime.timedelta(days=5)),
                    _ts(when),
                    manager_id,
                    owner,
                    meeting_id,
                ),
            )
        conn.execute(
            "INSERT INTO meetings_privatenote (text, updated_at, author_id, meeting_id)"
            " VALUES (?, ?, ?, ?)",
            (f"My own notes on meeting {n + 1}.", _ts(when), manager_id, meeting_id),
        )
    return ids[-1], ids[-2]


def _add_values(conn: sqlite3.Connection) -> list[int]:
    ids = []
    for order, (name, description) in enumerate(VALUES):
        value_id = conn.execute(
            'INSERT INTO feedback_companyvalue (name, description, "order", active)'
            " VALUES (?, ?, ?, 1)",
            (name, description, order),
        ).lastrowid
        assert value_id is not None
        ids.append(value_id)
    return ids


def _add_feedback(
    conn: sqlite3.Connection,
    rng: random.Random,
    now: datetime.datetime,
    value_ids: list[int],
    chosen: int,
) -> dict[str, int]:
    """~FEEDBACK_PER_PERSON feedback per active person, plus CHOSEN_RECEIVED for the
    chosen report; value tags and reactions."""
    people = [
        row[0] for row in conn.execute("SELECT id FROM people_person WHERE status = 'active'")
    ]
    first_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM feedback_feedback").fetchone()[0] + 1
    span = 2 * 365 * 24 * 3600
    pairs = [
        (rng.choice(people), rng.choice(people)) for _ in range(len(people) * FEEDBACK_PER_PERSON)
    ]
    pairs += [(rng.choice(people), chosen) for _ in range(CHOSEN_RECEIVED)]
    rows: list[tuple] = []
    tags: list[tuple[int, int]] = []
    reactions: set[tuple[int, int, str]] = set()
    common = value_ids[:-1]
    for n, (giver, receiver) in enumerate(pairs):
        if giver == receiver:  # nobody gives feedback to themself
            giver = people[0] if receiver != people[0] else people[1]
        fid = first_id + n
        public = n % PUBLIC_EVERY == 0
        hidden = n % HIDDEN_EVERY == 7
        at = _ts(now - datetime.timedelta(seconds=rng.randrange(span)))
        text = rng.choice(PRAISE if public else PRIVATE)
        rows.append(
            (
                fid,
                text,
                "public" if public else "private",
                at,
                at if hidden else None,
                "Not appropriate for the wall." if hidden else "",
                giver,
                receiver,
            )
        )
        if public:
            tags.extend((fid, v) for v in rng.sample(common, 1 + (n % 3 == 0)))
            if n % (PUBLIC_EVERY * RARE_EVERY) == 0:
                tags.append((fid, value_ids[-1]))
            for _ in range(rng.randrange(5)):
                reactions.add((fid, rng.choice(people), rng.choice(REACTIONS)))
        elif n % 3 == 0:
            tags.append((fid, rng.choice(common)))
    conn.executemany(
        "INSERT INTO feedback_feedback (id, text, visibility, created_at, hidden_at,"
        " hidden_reason, giver_id, receiver_id, goal_id, hidden_by_id, ask_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
        rows,
    )
    conn.executemany(
        "INSERT INTO feedback_feedback_values (feedback_id, companyvalue_id) VALUES (?, ?)", tags
    )
    created = _ts(now)
    conn.executemany(
        "INSERT INTO feedback_reaction (kind, created_at, feedback_id, person_id)"
        " VALUES (?, ?, ?, ?)",
        [(kind, created, fid, person) for fid, person, kind in sorted(reactions)],
    )
    return {"feedback": len(rows), "value_tags": len(tags), "reactions": len(reactions)}
