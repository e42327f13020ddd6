"""The demo's feedback loader on the test organisation: values, feedback and praise with
reactions, requests waiting for the employee and the manager logins, one report for HR;
loaded once."""

from cadence.demo.feedback import load_feedback_demo
from cadence.feedback import queries
from cadence.feedback.models import AbuseReport, CompanyValue, Feedback, FeedbackAsk
from tests.conftest import make_person


def test_the_demo_loads_feedback_once(org):
    # Three colleagues under one manager, as in the demo organisation.
    make_person("cat.engineer@example.com", manager=org.eng_manager, department="Engineering")
    logins = {"employee": org.engineer, "manager": org.eng_manager, "hr admin": org.hr}
    said: list[str] = []
    assert load_feedback_demo(logins=logins, say=said.append)
    assert said and said[0].startswith("Feedback: 5 company values")
    assert CompanyValue.objects.count() == 5
    assert Feedback.objects.exists()
    assert queries.pending_asks(org.engineer.user).exists()
    assert FeedbackAsk.objects.filter(recipient=org.eng_manager, state="pending").exists()
    assert AbuseReport.objects.filter(outcome="open").count() == 1
    before = Feedback.objects.count()
    assert not load_feedback_demo(logins=logins, say=said.append)
    assert Feedback.objects.count() == before
