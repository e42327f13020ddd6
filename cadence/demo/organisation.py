"""A deterministic generator of realistic organisations, for the demo and benchmarks.

Same ``people`` and ``seed`` → the same organisation, row for row. The output is an
HRIS-style table (the headers a real export has), so seeding goes through the very
import code that customers use.
"""

import csv
import datetime
import io
import random
from collections.abc import Iterator

HEADERS = [
    "Employee ID",
    "First Name",
    "Last Name",
    "Work Email",
    "Job Title",
    "Level",
    "Department",
    "Location",
    "Hire Date",
    "Manager ID",
    "Employment Status",
    "Gender",
    "Cost Center",
]

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Alice",
    "Amara",
    "Amir",
    "Ana",
    "Andrea",
    "Anika",
    "Arjun",
    "Aya",
    "Beatriz",
    "Ben",
    "Bianca",
    "Carlos",
    "Chen",
    "Chloe",
    "Clara",
    "Daniel",
    "Dara",
    "David",
    "Diego",
    "Elena",
    "Eli",
    "Emma",
    "Erik",
    "Esra",
    "Ethan",
    "Eva",
    "Fatima",
    "Felix",
    "Freya",
    "Gabriel",
    "Grace",
    "Hana",
    "Hannah",
    "Hugo",
    "Ines",
    "Isaac",
    "Ivan",
    "Jada",
    "James",
    "Jin",
    "Joao",
    "Jonas",
    "Julia",
    "Kai",
    "Kamala",
    "Karim",
    "Kenji",
    "Lara",
    "Leila",
    "Leo",
    "Lina",
    "Liam",
    "Lucia",
    "Luis",
    "Maya",
    "Mei",
    "Mia",
    "Milan",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nia",
    "Nikolai",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Oscar",
    "Paula",
    "Priya",
    "Rafael",
    "Rania",
    "Ravi",
    "Rosa",
    "Ruth",
    "Sam",
    "Sara",
    "Sofia",
    "Sven",
    "Tariq",
    "Tess",
    "Theo",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zara",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Almeida",
    "Andersen",
    "Baker",
    "Bauer",
    "Bernard",
    "Brown",
    "Campbell",
    "Chen",
    "Costa",
    "Cruz",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Gonzalez",
    "Gupta",
    "Hansen",
    "Hoffmann",
    "Ibrahim",
    "Ito",
    "Jensen",
    "Johnson",
    "Kaya",
    "Khan",
    "Kim",
    "Klein",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Lee",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Perez",
    "Petrov",
    "Popescu",
    "Quinn",
    "Rahman",
    "Reyes",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Sousa",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Torres",
    "Van Dijk",
    "Vogel",
    "Wagner",
    "Walker",
    "Wang",
    "Weber",
    "Williams",
    "Wilson",
    "Wong",
    "Yamamoto",
    "Yilmaz",
    "Young",
    "Zhang",
    "Zimmermann",
]
# People comes second so that even a small organisation has an HR team.
DEPARTMENTS = {
    "Engineering": [
        "Platform",
        "Product Engineering",
        "Data",
        "Security",
        "Infrastructure",
        "Mobile",
        "Quality",
        "Developer Experience",
    ],
    "People": ["Talent Acquisition", "People Partners", "Learning", "Total Rewards"],
    "Sales": ["Enterprise", "Mid-Market", "Sales Development", "Solutions", "Partnerships"],
    "Marketing": ["Brand", "Growth", "Product Marketing", "Content", "Events"],
    "Customer Success": ["Support", "Onboarding", "Account Management", "Success Operations"],
    "Operations": ["Finance", "Legal", "IT", "Facilities", "Procurement"],
    "Product": ["Product Management", "Design", "Research", "Analytics"],
}
ROLES = {
    "Engineering": "Engineer",
    "Sales": "Account Executive",
    "Marketing": "Marketing Specialist",
    "Customer Success": "Customer Success Specialist",
    "Operations": "Operations Specialist",
    "People": "People Specialist",
    "Product": "Product Manager",
}
LOCATIONS = ["Berlin", "London", "Lisbon", "New York", "Toronto", "Singapore", "Remote"]
GENDERS = ["Female", "Male", "Non-binary", "Prefer not to say"]


def generate_people(people: int, *, seed: int = 1, domain: str = "example.com") -> list[dict]:
    """An organisation of ``people`` rows, managers before their reports.

    Top-down: the CEO's direct reports head the top-level departments, theirs head
    sub-departments, and everyone below inherits the sub-department. Spans are 3–12
    (3–6 below 1,000 people, so a small org still has four levels of managers); at
    100,000 people that gives 6–8 levels.
    """
    rng = random.Random(seed)
    max_span = 6 if people < 1000 else 12
    rows: list[dict] = []
    used_emails: set[str] = set()
    top_departments = list(DEPARTMENTS)

    def make(manager: dict | None, depth: int, department: str) -> dict:
        n = len(rows) + 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace(" ", "")
        email = f"{local}@{domain}"
        if email in used_emails:
            email = f"{local}{n}@{domain}"
        used_emails.add(email)
        top = department.split("/")[0]
        start = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randint(0, 5000))
        row = {
            "Employee ID": f"E{n:06d}",
            "First Name": first,
            "Last Name": last,
            "Work Email": email,
            "Job Title": "",
            "Level": "",
            "Department": department,
            "Location": rng.choice(LOCATIONS),
            "Hire Date": start.isoformat(),
            "Manager ID": manager["Employee ID"] if manager else "",
            "Employment Status": "Active",
            "Gender": rng.choice(GENDERS),
            "Cost Center": f"CC-{100 + top_departments.index(top) if top else 100}",
            "_depth": depth,
        }
        row["Job Title"] = ROLES.get(top, "Specialist") if depth > 2 else ""
        rows.append(row)
        return row

    ceo = make(None, 0, "")
    ceo["Job Title"], ceo["Level"] = "Chief Executive Officer", "L10"
    frontier = [ceo]
    depth = 0
    while len(rows) < people and frontier:
        depth += 1
        next_frontier = []
        for manager in frontier:
            if len(rows) >= people:
                break
            if depth == 1:
                span = min(len(top_departments), max(5, people // 40 or 5))
            else:
                span = _tail_span(rng.randint(3, max_span), people - len(rows), max_span)
            for i in range(span):
                if len(rows) >= people:
                    break
                if depth == 1:
                    department = top_departments[i % len(top_departments)]
                elif depth == 2:
                    top = manager["Department"]
                    subs = DEPARTMENTS[top]
                    department = f"{top}/{subs[i % len(subs)]}"
                else:
                    department = manager["Department"]
                next_frontier.append(make(manager, depth, department))
        frontier = next_frontier
    # Titles and levels once the shape is known: managers are those with reports.
    has_reports = {r["Manager ID"] for r in rows if r["Manager ID"]}
    for row in rows[1:]:
        d = row["_depth"]
        dept = row["Department"].split("/")[-1]
        if row["Employee ID"] in has_reports:
            row["Job Title"] = {1: f"VP {dept}", 2: f"Director, {dept}"}.get(
                d, f"{dept} Manager" if d == 3 else f"{dept} Team Lead"
            )
            row["Level"] = f"L{max(5, 9 - d)}"
        else:
            role = ROLES.get(row["Department"].split("/")[0], "Specialist")
            seniority = rng.choice(["", "", "Senior ", "Senior ", "Staff "])
            row["Job Title"] = f"{seniority}{role}"
            row["Level"] = {"": "L3", "Senior ": "L4", "Staff ": "L5"}[seniority]
            # About 2% have left: kept for their history, inactive.
            if rng.random() < 0.02:
                row["Employment Status"] = "Terminated"
    for row in rows:
        del row["_depth"]
    return rows


def _tail_span(span: int, remaining: int, max_span: int) -> int:
    """Adjust the span near the end so nobody is left to form a team of one or two.

    Filling stops at ``people``: without this the last manager of the deepest level
    would often get one or two reports, which no real organisation chart shows.
    """
    left_over = remaining - span
    if left_over in (1, 2):
        if remaining <= max_span:
            return remaining
        # Leave exactly three for the next manager; span was at least max_span - 1.
        return span - (3 - left_over)
    return span


def iter_csv(rows: list[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def to_csv(rows: list[dict]) -> str:
    return "".join(iter_csv(rows))
