"""A seeded organisation with a year of goals: the dataset of the goal workloads.

On top of the ``directory`` workload's seeded organisation (``cadence seed``): one
active period containing today; 8 company goals; two team goals per department aligned
to them; three goals per person (one in ten private, never aligned; the others aligned
to a team goal of their department) with two or three key results each (2.5 on
average); and a check-in on two key results in three. At 100,000 people that is
~300,000 goals and ~750,000 key results — the issue's 1,000,000 goals + key results.

Rows go in with plain ``executemany`` on the SQLite file (building through the services
would take hours), so the stored progress figures are plausible, not recomputed; the
pages read them as stored, which is all the goal-page benchmarks need.
"""

import contextlib
import datetime
import random
import sqlite3
from pathlib import Path

from bench import support
from bench.workloads import directory

COMPANY_GOALS = 8
TEAM_GOALS_PER_DEPARTMENT = 2
GOALS_PER_PERSON = 3
PRIVATE_EVERY = 10
SEED = 7
PERIOD_NAME = "Bench year"


def goals_database(size: int, fresh: bool = False) -> Path:
    """The cached database: ``size`` people and their goals (built once per code change)."""
    source = directory.seeded_database(size, fresh)
    key = support.source_fingerprint(
        "cadence/*/migrations/*.py",
        "cadence/demo/organisation.py",
        "bench/goals_data.py",
    )

    def build(path: Path) -> None:
        support.copy_database(source, path)
        with support.Stopwatch() as sw:
            counts = add_goals(path)
        support.log(f"goals: {counts} in {sw.seconds:.1f} s")

    return support.cached_file(
        f"goals-{size}-{key}.sqlite3", build, fresh=fresh, replaces=f"goals-{size}-*.sqlite3"
    )


def _ts(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_goals(db: Path, today: datetime.date | None = None) -> dict[str, int]:
    """Insert the period, goals, key results and check-ins into ``db``; returns counts."""
    rng = random.Random(SEED)
    today = today or datetime.datetime.now(datetime.UTC).date()
    starts = today - datetime.timedelta(days=120)
    ends = starts + datetime.timedelta(days=364)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    created = _ts(now - datetime.timedelta(days=120))
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        period_id = conn.execute(
            "INSERT INTO planning_performanceperiod (name, kind, starts_on, ends_on, parent_id,"
            " state, closed_at, created_at) VALUES (?, 'year', ?, ?, NULL, 'active', NULL, ?)",
            (PERIOD_NAME, starts.isoformat(), ends.isoformat(), created),
        ).lastrowid
        next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM goals_goal").fetchone()[0]) + 1
        goals: list[tuple] = []
        paths: dict[int, str] = {}

        def goal(title, owner_type, person, department, parent, private=False):
            nonlocal next_id
            gid = next_id
            next_id += 1
            path = (paths[parent] if parent else "/") + f"{gid}/"
            paths[gid] = path
            progress = round(rng.random(), 3)
            last = _ts(now - datetime.timedelta(days=rng.randint(0, 60)))
            goals.append(
                (
                    gid,
                    period_id,
                    title,
                    "",
                    "objective",
                    owner_type,
                    person,
                    department,
                    parent,
                    path,
                    "private" if private else "public",
                    "active",
                    1,
                    progress,
                    None,
                    last,
                    None,
                    None,
                    created,
                    created,
                )
            )
            return gid

        company = [
            goal(f"Company objective {i + 1}", "company", None, None, None)
            for i in range(COMPANY_GOALS)
        ]
        team_by_department: dict[int, list[int]] = {}
        for n, (dept_id, name) in enumerate(
            conn.execute("SELECT id, full_name FROM people_department ORDER BY full_name")
        ):
            team_by_department[dept_id] = [
                goal(
                    f"{name} objective {j + 1}",
                    "team",
                    None,
                    dept_id,
                    company[(n + j) % COMPANY_GOALS],
                )
                for j in range(TEAM_GOALS_PER_DEPARTMENT)
            ]
        people = conn.execute(
            "SELECT id, department_id FROM people_person WHERE status = 'active' ORDER BY id"
        ).fetchall()
        words = ["Improve", "Reduce", "Launch", "Grow", "Automate", "Document", "Mentor"]
        things = [
            "onboarding",
            "latency",
            "pipeline",
            "revenue",
            "test coverage",
            "churn",
            "release cadence",
            "support backlog",
        ]
        counter = 0
        for person_id, dept_id in people:
            for _ in range(GOALS_PER_PERSON):
                counter += 1
                private = counter % PRIVATE_EVERY == 0
                teams = team_by_department.get(dept_id) or company
                parent = None if private else teams[counter % len(teams)]
                title = f"{rng.choice(words)} {rng.choice(things)} #{counter}"
                goal(title, "person", person_id, None, parent, private)
        conn.executemany(
            "INSERT INTO goals_goal (id, period_id, title, description, kind, owner_type,"
            " owner_person_id, owner_department_id, parent_id, alignment_path, visibility,"
            " state, weight, progress, due_on, last_check_in_at, approved_by_id,"
            " created_by_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            goals,
        )
        key_results: list[tuple] = []
        check_ins: list[tuple] = []
        kr_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM goals_keyresult").fetchone()[0]
        for n, row in enumerate(goals):
            gid = row[0]
            for order in range(2 + (n % 2 == 0)):
                kr_id += 1
                target = rng.choice([10, 50, 100, 1000])
                current = round(target * rng.random(), 2)
                progress = current / target
                checked = kr_id % 3 != 0
                at = _ts(now - datetime.timedelta(days=rng.randint(0, 60))) if checked else None
                key_results.append(
                    (
                        kr_id,
                        gid,
                        f"Key result {order + 1}",
                        "number",
                        "",
                        "increase",
                        0,
                        target,
                        current if checked else 0,
                        1,
                        progress if checked else 0.0,
                        None,
                        order,
                        at,
                    )
                )
                if checked:
                    check_ins.append(
                        (
                            kr_id,
                            None,
                            at,
                            current,
                            0,
                            progress,
                            rng.choice(["on_track", "on_track", "at_risk", "off_track"]),
                            "Weekly update",
                        )
                    )
        conn.executemany(
            "INSERT INTO goals_keyresult (id, goal_id, title, kind, unit, direction,"
            ' start_value, target_value, current_value, weight, progress, due_on, "order",'
            " last_check_in_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            key_results,
        )
        conn.executemany(
            "INSERT INTO goals_checkin (key_result_id, author_id, at, value, previous_value,"
            " progress, confidence, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            check_ins,
        )
    return {"goals": len(goals), "key_results": len(key_results), "check_ins": len(check_ins)}
