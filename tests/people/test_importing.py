"""The HRIS import: reading files, planning (validation, matching, diffs) and applying."""

import datetime
import io

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.utils import timezone
from openpyxl import Workbook

from cadence.accounts.models import User
from cadence.core.models import AuditEvent
from cadence.people import services
from cadence.people.importing import (
    HEADER_ALIASES,
    ImportHasErrors,
    MassDeactivationRefused,
    TableError,
    parse_date,
    parse_mapping,
    plan_import,
    read_table,
    resolve_columns,
)
from cadence.people.models import CustomAttribute, Department, Person
from tests.conftest import make_person

HEADER = "Employee ID,Work Email,First Name,Last Name,Job Title,Department,Manager ID,Hire Date"


def plan_of(text: str, *, name: str = "people.csv", **options):
    return plan_import(read_table(text.encode(), name), **options)


def run_import(text: str, **options):
    confirm = options.pop("confirm", False)
    plan = plan_of(text, **options)
    assert [str(e) for e in plan.errors] == []
    return services.people_import(actor=None, plan=plan, confirm_mass_deactivation=confirm)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


SMALL_ORG = csv_text(
    "E1,ceo@acme.test,Grace,Hopper,CEO,,,2015-03-01",
    "E2,eng@acme.test,Alan,Turing,VP Engineering,Engineering,E1,2016-04-02",
    "E3,dev@acme.test,Ada,Lovelace,Engineer,Engineering/Platform,E2,2020-01-15",
)


# --- reading files -------------------------------------------------------------------------


def test_reads_utf8_with_bom_semicolons_and_crlf():
    data = "\ufeffWork Email;First Name\r\nzoe@acme.test;Zoë\r\n\r\nbo@acme.test;Bo\r\n"
    table = read_table(data.encode("utf-8"), "people.csv")
    assert table.headers == ["Work Email", "First Name"]
    assert table.rows == [["zoe@acme.test", "Zoë"], ["bo@acme.test", "Bo"]]
    assert table.lines == [2, 4]  # the blank line 3 still counts


def test_reads_utf16_with_tabs():
    data = "Work Email\tLast Name\nzoe@acme.test\tWeiß\n".encode("utf-16")
    table = read_table(data, "export.txt")
    assert table.headers == ["Work Email", "Last Name"]
    assert table.rows == [["zoe@acme.test", "Weiß"]]


def test_reads_windows_1252():
    data = "Work Email,First Name,Last Name\nrenee@acme.test,Renée,Müller – Ops\n".encode("cp1252")
    table = read_table(data, "people.csv")
    assert table.rows == [["renee@acme.test", "Renée", "Müller – Ops"]]


def test_reads_excel_sep_hint_and_keeps_file_lines_across_quoted_newlines():
    data = 'sep=;\nWork Email;Job Title\na@acme.test;"Head of\nThings"\nb@acme.test;Engineer\n'
    table = read_table(data.encode(), "people.csv")
    assert table.rows == [["a@acme.test", "Head of\nThings"], ["b@acme.test", "Engineer"]]
    assert table.header_line == 2
    assert table.lines == [3, 5]


def test_reads_xlsx_with_dates_and_numeric_ids():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee #", "Email", "Name", "Start Date", "Reports To"])
    sheet.append([1001, "boss@acme.test", "Grace Hopper", datetime.datetime(2015, 3, 1), None])
    sheet.append([None, None, None, None, None])
    sheet.append([1002, "dev@acme.test", "Ada Lovelace", datetime.date(2020, 1, 15), 1001])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "upload")  # sniffed by content, not by name
    assert table.headers == ["Employee #", "Email", "Name", "Start Date", "Reports To"]
    assert table.rows[1] == ["1002", "dev@acme.test", "Ada Lovelace", "2020-01-15", "1001"]
    assert table.lines == [2, 4]


@pytest.mark.django_db
def test_xlsx_import_end_to_end():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee #", "Email", "Name", "Start Date", "Reports To"])
    sheet.append([1002, "dev@acme.test", "Lovelace, Ada", datetime.date(2020, 1, 15), 1001])
    sheet.append([1001, "boss@acme.test", "Grace Hopper", datetime.date(2015, 3, 1), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_import(read_table(buffer.getvalue(), "roster.xlsx"))
    assert plan.errors == []
    services.people_import(actor=None, plan=plan)
    dev = Person.objects.get(employee_id="1002")
    assert (dev.first_name, dev.last_name, dev.start_date) == (
        "Ada",
        "Lovelace",
        datetime.date(2020, 1, 15),
    )
    assert dev.manager.employee_id == "1001"


def test_unreadable_files_raise_a_sentence():
    with pytest.raises(TableError):
        read_table(b"", "empty.csv")
    with pytest.raises(TableError, match="XLSX"):
        read_table(b"PK\x03\x04 not really a workbook", "roster.xlsx")
    with pytest.raises(TableError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0 legacy", "roster.xls")


def test_parse_date_formats():
    assert parse_date("2021-03-04") == datetime.date(2021, 3, 4)
    assert parse_date("2021-03-04T00:00:00") == datetime.date(2021, 3, 4)
    assert parse_date("04.03.2021") == datetime.date(2021, 3, 4)
    assert parse_date("03/04/2021") == datetime.date(2021, 3, 4)
    assert parse_date("03/04/2021", day_first=True) == datetime.date(2021, 4, 3)
    assert parse_date("4 Mar 2021") == datetime.date(2021, 3, 4)
    assert parse_date("March 4, 2021") == datetime.date(2021, 3, 4)
    assert parse_date("2021-02-30") is None
    assert parse_date("soon") is None


@pytest.mark.django_db
def test_slash_dates_are_read_day_first_when_the_column_says_so():
    plan = plan_of(
        csv_text(
            "E1,a@acme.test,A,A,,,,03/04/2021",
            "E2,b@acme.test,B,B,,,,25/12/2020",
        )
    )
    assert plan.errors == []
    services.people_import(actor=None, plan=plan)
    assert Person.objects.get(employee_id="E1").start_date == datetime.date(2021, 4, 3)


def test_parse_mapping():
    assert parse_mapping(["Correo = work_email", "", "Team=custom:Squad"]) == {
        "Correo": "work_email",
        "Team": "custom:Squad",
    }
    with pytest.raises(ValueError, match="Source Header=field"):
        parse_mapping(["just a header"])


# --- creating ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_import_creates_people_accounts_departments_and_the_manager_chain():
    summary = run_import(SMALL_ORG)
    assert str(summary) == "created 3, updated 0, deactivated 0, unchanged 0"
    ceo, eng, dev = (Person.objects.get(employee_id=e) for e in ("E1", "E2", "E3"))
    assert dev.manager == eng and eng.manager == ceo and ceo.manager is None
    assert dev.reporting_path == f"/{ceo.pk}/{eng.pk}/{dev.pk}/"
    assert dev.department.full_name == "Engineering/Platform"
    assert dev.department.parent == Department.objects.get(full_name="Engineering")
    assert dev.start_date == datetime.date(2020, 1, 15)
    assert dev.search_text == dev.build_search_text()
    assert dev.user.email == "dev@acme.test" and dev.user.is_active
    assert not is_password_usable(dev.user.password)
    event = AuditEvent.objects.get(action="people.import")
    assert event.data["created"] == 3 and "created 3" in event.summary


@pytest.mark.django_db
def test_manager_references_may_point_further_down_the_file():
    run_import(
        csv_text(
            "E3,dev@acme.test,Ada,Lovelace,Engineer,,E2,",
            "E2,eng@acme.test,Alan,Turing,VP,,E1,",
            "E1,ceo@acme.test,Grace,Hopper,CEO,,,",
        )
    )
    dev = Person.objects.get(employee_id="E3")
    ids = dict(Person.objects.values_list("employee_id", "id"))
    assert dev.chain_ids == [ids["E1"], ids["E2"]]


@pytest.mark.django_db
def test_header_aliases_are_case_and_space_insensitive():
    text = (
        "employee_number,E-MAIL, full name ,Position,Reports To,Start Date,"
        "Employment Status,Office\n"
        "7,grace@acme.test,Grace Hopper,CEO,,2015-03-01,Active,Berlin\n"
        '8,ada@acme.test,"Lovelace, Ada",Engineer,grace@acme.test,2019-02-01,Active,\n'
        "9,alan@acme.test,Alan Turing,Engineer,Ada Lovelace,2019-02-01,Active,Remote\n"
    )
    run_import(text)
    ada = Person.objects.get(employee_id="8")
    assert (ada.first_name, ada.last_name, ada.job_title) == ("Ada", "Lovelace", "Engineer")
    assert ada.manager.work_email == "grace@acme.test"
    assert Person.objects.get(employee_id="9").manager == ada  # "Reports To" by full name
    assert Person.objects.get(employee_id="7").location == "Berlin"


def test_every_documented_alias_maps_to_its_field():
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            headers = ["Work Email"] if name != "work_email" else []
            table = read_table(",".join([*headers, alias]).encode() + b"\n", "x.csv")
            planner_columns = dict(plan_import_columns(table))
            assert planner_columns[alias] == name, alias


def plan_import_columns(table):
    return resolve_columns(table, {}).listing


@pytest.mark.django_db
def test_map_option_and_custom_attributes():
    text = (
        "Correo,Puesto,Internal Notes,Team,Gender,Cost Center\n"
        "maria@acme.test,Engineer,do not import,Payments,Female,CC-1\n"
    )
    run_import(
        text,
        mapping={
            "correo": "work_email",
            "Puesto": "job_title",
            "Internal Notes": "ignore",
            "Team": "custom:Squad",
        },
    )
    maria = Person.objects.get(work_email="maria@acme.test")
    assert maria.job_title == "Engineer"
    assert maria.custom_attributes == {
        "squad": "Payments",
        "gender": "Female",
        "cost_center": "CC-1",
    }
    attributes = {a.key: a for a in CustomAttribute.objects.all()}
    assert attributes["gender"].is_sensitive  # by name: personal data
    assert not attributes["cost_center"].is_sensitive
    assert attributes["squad"].label == "Squad"


@pytest.mark.django_db
def test_links_an_existing_account_with_the_same_email():
    admin = User.objects.create_superuser("Boss@Acme.test", "a-long-password-1")
    run_import(SMALL_ORG.replace("ceo@acme.test", "boss@acme.test"))
    ceo = Person.objects.get(employee_id="E1")
    assert ceo.user == admin
    admin.refresh_from_db()
    assert admin.check_password("a-long-password-1")  # untouched
    assert User.objects.count() == 3


@pytest.mark.django_db
def test_people_who_left_are_created_inactive():
    text = "Work Email,Status\ngone@acme.test,Terminated\nhere@acme.test,Active\n"
    summary = run_import(text)
    assert summary.created == 2
    gone = Person.objects.get(work_email="gone@acme.test")
    assert gone.status == Person.Status.LEFT and not gone.user.is_active
    assert Person.objects.get(work_email="here@acme.test").user.is_active


# --- errors ----------------------------------------------------------------------------------

ERRORS_FILE = csv_text(
    "E1,,No,Email,,,,2020-01-01",
    "E2,dup@acme.test,Dup,One,,,,2020-01-01",
    "E3,DUP@acme.test,Dup,Two,,,,2020-01-01",
    "E2,other@acme.test,Same,Id,,,,2020-01-01",
    "E6,lost@acme.test,Lost,Report,,,E404,2020-01-01",
    "E7,loop1@acme.test,Loop,One,,,E8,2020-01-01",
    "E8,loop2@acme.test,Loop,Two,,,E7,2020-01-01",
    "E9,date@acme.test,Bad,Date,,,,31/31/2020",
    "E11,self@acme.test,Self,Boss,,,E11,2020-01-01",
    "E12,not-an-email,Bad,Email,,,,",
    header=HEADER,
)


@pytest.mark.django_db
def test_every_invalid_row_is_reported_at_once_with_its_line():
    plan = plan_of(ERRORS_FILE)
    assert [str(e) for e in plan.errors] == [
        "line 2: Work Email: missing",
        "line 4: Work Email: duplicate email dup@acme.test (also on line 3)",
        "line 5: Employee ID: duplicate employee ID E2 (also on line 3)",
        "line 6: Manager ID: no person with employee ID E404 in the file or in Cadence",
        "line 7: Manager ID: manager cycle: E7 → E8 → E7",
        "line 8: Manager ID: manager cycle: E8 → E7 → E8",
        "line 9: Hire Date: “31/31/2020” is not a date (use YYYY-MM-DD)",
        "line 10: Manager ID: a person cannot be their own manager",
        "line 11: Work Email: “not-an-email” is not an email address",
    ]


@pytest.mark.django_db
def test_a_file_with_errors_writes_nothing(org):
    before = (Person.objects.count(), User.objects.count(), Department.objects.count())
    plan = plan_of(ERRORS_FILE)
    with pytest.raises(ImportHasErrors) as raised:
        services.people_import(actor=org.hr.user, plan=plan)
    assert len(raised.value.errors) == 9
    assert (Person.objects.count(), User.objects.count(), Department.objects.count()) == before
    assert not AuditEvent.objects.filter(action="people.import").exists()


@pytest.mark.django_db
def test_line_numbers_follow_the_file_across_multiline_cells():
    text = 'Work Email,Job Title,Status\na@acme.test,"Head of\nThings",Active\nb@acme.test,,Maybe\n'
    assert [str(e) for e in plan_of(text).errors] == [
        "line 4: Status: unknown status “Maybe” (use Active, or Terminated, Inactive or Left "
        "for people who left)",
    ]


@pytest.mark.django_db
def test_cycle_through_people_already_in_cadence(org):
    # The CEO would report to someone in their own line.
    text = f"Work Email,Manager Email\n{org.ceo.work_email},{org.engineer.work_email}\n"
    assert [str(e) for e in plan_of(text).errors] == [
        "line 2: Manager Email: manager cycle: ceo.boss@example.com → E100 → "
        "eng.manager@example.com → eng.head@example.com → ceo.boss@example.com",
    ]


@pytest.mark.django_db
def test_header_problems_are_reported_on_line_1():
    text = "Name,Status,Employment Status\nAda,Active,Active\n"
    plan = plan_of(text, mapping={"Nope": "work_email", "Name": "colour"})
    assert [str(e) for e in plan.errors] == [
        "line 1: Name: --map: unknown field “colour” (use one of employee_id, work_email, "
        "first_name, last_name, name, job_title, level, department, location, start_date, "
        "manager_employee_id, manager_email, manager, status, time_zone, custom:<Label> or ignore)",
        "line 1: Employment Status: both “Status” and “Employment Status” would be read as "
        "status; say which to use with --map (e.g. --map 'Employment Status=ignore')",
        "line 1: Nope: --map names a column that is not in the file",
        "line 1: work_email: the file has no work email column (looked for Work Email, Email, "
        "Email Address, Work Email Address, Business Email, Company Email, E-mail); name "
        "yours with --map 'Your Header=work_email'",
    ]


@pytest.mark.django_db
def test_email_taken_by_someone_not_in_the_file(org):
    text = f"Employee ID,Work Email\nE100,{org.seller.work_email}\n"
    assert [str(e) for e in plan_of(text).errors] == [
        "line 2: Work Email: sam.seller@example.com is already the email of Sam Seller, "
        "who is not in this file",
    ]


@pytest.mark.django_db
def test_ambiguous_manager_name(org):
    make_person("ann.other@example.com", first_name="Ann", last_name="Engineer")
    text = "Work Email,Reports To\nnew.hire@example.com,Ann Engineer\n"
    assert [str(e) for e in plan_of(text).errors] == [
        "line 2: Reports To: 2 people are called “Ann Engineer”: use an employee ID or an email",
    ]


# --- updating --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    run_import(SMALL_ORG)
    updated_at = dict(Person.objects.values_list("id", "updated_at"))
    plan = plan_of(SMALL_ORG)
    assert not plan.has_changes
    assert str(services.people_import(actor=None, plan=plan)) == (
        "created 0, updated 0, deactivated 0, unchanged 3"
    )
    assert dict(Person.objects.values_list("id", "updated_at")) == updated_at
    assert Person.objects.count() == 3 and User.objects.count() == 3


@pytest.mark.django_db
def test_rows_match_by_employee_id_then_email(org):
    text = (
        "Employee ID,Work Email,Job Title,Manager Email\n"
        # E100 is Ann: matched by id although the email changed.
        f"E100,ann.new@example.com,Staff Engineer,{org.eng_manager.work_email}\n"
        # Bob has no id yet: matched by email, and gets one.
        f"E200,{org.engineer2.work_email},Engineer,{org.eng_manager.work_email}\n"
    )
    plan = plan_of(text)
    assert len(plan.created) == 0
    changes = {c.person_id: c.fields for c in plan.updated}
    assert changes[org.engineer.pk]["work_email"] == (
        "ann.engineer@example.com",
        "ann.new@example.com",
    )
    assert changes[org.engineer.pk]["job_title"] == ("", "Staff Engineer")
    assert changes[org.engineer2.pk]["employee_id"] == ("", "E200")
    services.people_import(actor=org.hr.user, plan=plan)
    ann = Person.objects.select_related("user").get(pk=org.engineer.pk)
    assert ann.work_email == ann.user.email == "ann.new@example.com"
    assert ann.search_text == ann.build_search_text()
    assert Person.objects.get(pk=org.engineer2.pk).employee_id == "E200"
    assert Person.objects.count() == 10


@pytest.mark.django_db
def test_columns_absent_from_the_file_are_left_alone(org):
    run_import(f"Work Email,Job Title\n{org.engineer.work_email},Staff Engineer\n")
    ann = Person.objects.get(pk=org.engineer.pk)
    assert ann.job_title == "Staff Engineer"
    assert (ann.manager, ann.level, ann.department) == (
        org.eng_manager,
        "L3",
        org.engineer.department,
    )
    assert ann.custom_attributes == {"gender": "Female", "cost_center": "CC-1"}


@pytest.mark.django_db
def test_moving_a_manager_moves_their_line(org):
    text = (
        "Work Email,Manager Email\n"
        f"new.report@example.com,{org.eng_manager.work_email}\n"
        f"{org.eng_manager.work_email},{org.sales_head.work_email}\n"
    )
    plan = plan_of(text)
    assert plan.updated[0].fields == {"manager": ("Eng Head", "Sales Head")}
    services.people_import(actor=None, plan=plan)
    ann = Person.objects.get(pk=org.engineer.pk)
    assert ann.chain_ids == [org.ceo.pk, org.sales_head.pk, org.eng_manager.pk]
    new = Person.objects.get(work_email="new.report@example.com")
    assert new.chain_ids == ann.chain_ids
    assert services.reporting_paths_rebuild() == 0  # every path already right


@pytest.mark.django_db
def test_new_people_get_their_paths_under_existing_managers(org):
    run_import(f"Work Email,Reports To\nnew.report@example.com,{org.seller.work_email}\n")
    new = Person.objects.get(work_email="new.report@example.com")
    assert new.reporting_path == f"{org.seller.reporting_path}{new.pk}/"
    assert services.reporting_paths_rebuild() == 0


@pytest.mark.django_db
def test_emails_can_be_swapped_in_one_file(org):
    services.person_update(actor=None, person=org.engineer2, employee_id="E200")
    text = (
        f"Employee ID,Work Email\nE100,{org.engineer2.work_email}\nE200,{org.engineer.work_email}\n"
    )
    services.people_import(actor=None, plan=plan_of(text))
    ann = Person.objects.select_related("user").get(pk=org.engineer.pk)
    bob = Person.objects.select_related("user").get(pk=org.engineer2.pk)
    assert (ann.work_email, ann.user.email) == (org.engineer2.work_email,) * 2
    assert (bob.work_email, bob.user.email) == (org.engineer.work_email,) * 2


@pytest.mark.django_db
def test_two_rows_for_the_same_person(org):
    text = (
        "Employee ID,Work Email\n"
        f"E100,{org.engineer2.work_email}\n"
        f"E200,{org.engineer.work_email}\n"  # Ann by email, while line 2 is Ann by id
    )
    assert [str(e) for e in plan_of(text).errors] == [
        "line 2: Work Email: bob.engineer@example.com is already the email of Bob Engineer, "
        "who is not in this file",
        "line 3: Work Email: this is the same person as line 2",
    ]


@pytest.mark.django_db
def test_custom_attribute_changes_are_shown_per_attribute(org):
    text = f"Work Email,Cost Center,Gender\n{org.engineer.work_email},CC-9,Female\n"
    plan = plan_of(text)
    assert plan.updated[0].fields == {"custom:Cost Center": ("CC-1", "CC-9")}


@pytest.mark.django_db
def test_a_stale_plan_is_made_again_before_writing(org):
    text = "Work Email,First Name\nlate.joiner@example.com,Laetitia\n"
    plan = plan_of(text)
    assert len(plan.created) == 1
    make_person("late.joiner@example.com")  # added by someone else meanwhile
    summary = services.people_import(actor=None, plan=plan)
    assert (summary.created, summary.updated) == (0, 1)
    assert Person.objects.filter(work_email="late.joiner@example.com").count() == 1


# --- leaving ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_leaving_status_deactivates_and_an_active_one_reactivates(org):
    text = f"Work Email,Employment Status\n{org.seller.work_email},Terminated\n"
    plan = plan_of(text)
    assert [c.person_id for c in plan.deactivated] == [org.seller.pk]
    assert str(services.people_import(actor=None, plan=plan)) == (
        "created 0, updated 0, deactivated 1, unchanged 0"
    )
    seller = Person.objects.select_related("user").get(pk=org.seller.pk)
    assert seller.status == Person.Status.LEFT and not seller.user.is_active
    assert seller.left_on == timezone.localdate()
    assert seller.manager == org.sales_manager  # kept: HR reassigns, nobody moves silently

    summary = run_import(f"Work Email,Status\n{org.seller.work_email},Active\n")
    assert summary.updated == 1
    seller.refresh_from_db()
    seller.user.refresh_from_db()
    assert seller.status == Person.Status.ACTIVE and seller.user.is_active
    assert seller.left_on is None


def roster(org, *, leave_out: int) -> str:
    people = [
        org.ceo,
        org.eng_head,
        org.eng_manager,
        org.engineer,
        org.engineer2,
        org.sales_head,
        org.sales_manager,
        org.seller,
        org.hr,
        org.exec_viewer,
    ]
    kept = people[: len(people) - leave_out]
    return "Work Email\n" + "".join(f"{p.work_email}\n" for p in kept)


@pytest.mark.django_db
def test_full_roster_deactivates_people_missing_from_it(org):
    plan = plan_of(roster(org, leave_out=1), full=True)
    assert [c.person_id for c in plan.deactivated] == [org.exec_viewer.pk]
    assert plan.deactivation_share == 0.1 and not plan.needs_confirmation
    summary = services.people_import(actor=None, plan=plan)
    assert str(summary) == "created 0, updated 0, deactivated 1, unchanged 9"
    gone = Person.objects.select_related("user").get(pk=org.exec_viewer.pk)
    assert gone.status == Person.Status.LEFT and not gone.user.is_active
    # Without --full, missing people are none of the import's business.
    assert plan_of(roster(org, leave_out=5)).deactivated == []


@pytest.mark.django_db
def test_deactivating_a_large_share_needs_confirmation(org, settings):
    settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE = 0.25
    plan = plan_of(roster(org, leave_out=3), full=True)
    assert plan.needs_confirmation and round(plan.deactivation_share, 2) == 0.3
    with pytest.raises(MassDeactivationRefused, match="30%"):
        services.people_import(actor=None, plan=plan)
    assert Person.objects.filter(status=Person.Status.LEFT).count() == 0
    summary = services.people_import(actor=None, plan=plan, confirm_mass_deactivation=True)
    assert summary.deactivated == 3
    assert Person.objects.filter(status=Person.Status.LEFT).count() == 3


# --- cost ----------------------------------------------------------------------------------------


def bigger_org(n: int) -> str:
    rows = [
        f"E{i},p{i}@acme.test,P{i},Q{i},Title,Dept/Sub{i % 3},{f'E{i // 4}' if i else ''},"
        for i in range(n)
    ]
    return csv_text(*rows)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_file(django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        plan = plan_of(bigger_org(300))
    assert plan.errors == []
    with django_assert_max_num_queries(45):
        services.people_import(actor=None, plan=plan)
    assert Person.objects.count() == 300
    with django_assert_max_num_queries(12):
        assert not plan_of(bigger_org(300)).has_changes


def test_docs_list_every_alias(settings):
    docs = (settings.BASE_DIR / "docs" / "import.md").read_text()
    for aliases in HEADER_ALIASES.values():
        for alias in aliases:
            assert f"`{alias}`" in docs, alias


# --- warnings before it hurts (issue 6, section 4) ------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Reports To (Email)", "manager_email"),
        ("Manager: Email", "manager_email"),
        ("E-mail", "work_email"),
        ("[Employee ID]", "employee_id"),
        ("Employee #", "employee_id"),
        ("Manager #", "manager_employee_id"),
        ("Hire Date (YYYY-MM-DD)", None),  # extra words still make it a custom attribute
    ],
)
def test_headers_match_ignoring_punctuation_and_brackets(header, field):
    headers = header if field == "work_email" else f"Work Email,{header}"
    table = read_table(f"{headers}\n".encode(), "x.csv")
    listing = dict(resolve_columns(table, {}).listing)
    assert listing[header] == (field or f"custom:{header}")


def test_aliases_stay_distinct_once_punctuation_is_ignored():
    from cadence.core.tabular import normalise_header

    owner: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in (*aliases, name):
            key = normalise_header(alias)
            assert owner.setdefault(key, name) == name, alias


@pytest.mark.django_db
def test_unmatched_columns_are_listed_as_kept_as_custom_attributes():
    plan = plan_of("Work Email,Team,Shoe Size\na@acme.test,Core,42\n")
    assert plan.kept_as_custom == ["Team", "Shoe Size"]


@pytest.mark.django_db
def test_a_file_without_a_manager_column_says_so_before_creating_people():
    plan = plan_of("Work Email,Boss\na@acme.test,b@acme.test\nb@acme.test,\n")
    assert any("No manager column was recognised" in w for w in plan.warnings)
    assert not plan_of(SMALL_ORG).warnings  # Manager ID is recognised


@pytest.mark.django_db
def test_blank_cells_leave_values_as_they_are(org):
    text = (
        "Employee ID,Work Email,Job Title,Level,Manager Email,Hire Date,Cost Center,Gender\n"
        f"E100,{org.engineer.work_email},,,,,,\n"
    )
    plan = plan_of(text)
    assert plan.unchanged == 1 and not plan.updated
    run_import(text)
    ann = Person.objects.get(pk=org.engineer.pk)
    assert (ann.manager, ann.level) == (org.eng_manager, "L3")
    assert ann.custom_attributes == {"gender": "Female", "cost_center": "CC-1"}


@pytest.mark.django_db
def test_an_email_match_that_changes_the_employee_id_is_flagged(org):
    text = f"Employee ID,Work Email\nE999,{org.engineer.work_email}\n"
    plan = plan_of(text)
    (change,) = plan.updated
    assert change.fields["employee_id"] == ("E100", "E999")
    assert change.flags == [
        "matched by email, but the file gives another employee ID (E100 → E999): "
        "is this the same person?"
    ]
    # Giving an id to someone who had none is not a risk.
    plan = plan_of(f"Employee ID,Work Email\nE200,{org.engineer2.work_email}\n")
    assert plan.updated[0].flags == []


@pytest.mark.django_db
def test_moving_many_people_is_warned_about_and_flagged(org, settings):
    settings.CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE = 0.2
    movers = [org.engineer, org.engineer2, org.seller]
    text = "Work Email,Manager Email\n" + "".join(
        f"{p.work_email},{org.hr.work_email}\n" for p in movers
    )
    plan = plan_of(text)
    assert plan.moved == 3 and plan.many_managers_change
    assert "changes the manager of 3 people (30% of the organisation)" in plan.warnings[0]
    assert all("manager changes" in c.flags[0] for c in plan.updated)
    settings.CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE = 0.5
    plan = plan_of(text)
    assert not plan.warnings and all(not c.flags for c in plan.updated)


@pytest.mark.django_db
def test_rows_to_create_show_every_field_that_will_be_saved():
    text = (
        "Employee ID,Work Email,First Name,Last Name,Job Title,Level,Department,Office,"
        "Hire Date,Manager ID,Status,Team\n"
        "E1,boss@acme.test,Grace,Hopper,CEO,L9,Leadership,Berlin,2015-03-01,,Active,Core\n"
        "E2,ada@acme.test,Ada,Lovelace,Engineer,L3,Eng,Remote,2020-01-15,E1,Terminated,Core\n"
    )
    change = plan_of(text).created[1]
    assert change.fields == {
        "employee_id": ("", "E2"),
        "first_name": ("", "Ada"),
        "last_name": ("", "Lovelace"),
        "job_title": ("", "Engineer"),
        "level": ("", "L3"),
        "department": ("", "Eng"),
        "location": ("", "Remote"),
        "start_date": ("", "2020-01-15"),
        "manager": ("", "Grace Hopper"),
        "status": ("", "Left"),
        "custom:Team": ("", "Core"),
    }


@pytest.mark.django_db
def test_changes_read_as_words_not_code(org):
    plan = plan_of(f"Work Email,Status\n{org.seller.work_email},Terminated\n")
    (change,) = plan.deactivated
    assert change.fields["status"] == ("Active", "Left")
    assert str(change) == (
        f"deactivate line 2: Sam Seller <{org.seller.work_email}> (status: Active → Left)"
    )
    assert "Person.Status" not in str(change)
