from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadence.accounts.types import Actor
from cadence.core.models import AuditEvent

# What each action code means, in the words the audit log shows. A service that records
# a new code adds it here; a code missing from the table still reads as words (see
# ``action_label``), never as the raw code.
ACTION_LABELS: dict[str, Promise] = {
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "attribute.sensitivity": _("Attribute sensitivity changed"),
    "feedback.report": _("Feedback reported to HR"),
    "feedback.hide": _("Reported feedback hidden"),
    "feedback.keep": _("Reported feedback kept"),
    "feedback.value_create": _("Company value added"),
    "feedback.value_update": _("Company value changed"),
    "framework.change": _("Competency framework changed"),
    "framework.copy": _("Competency framework copied for a period"),
    "framework.create": _("Competency framework created"),
    "framework.import": _("Competencies imported"),
    "framework.version": _("New competency framework version"),
    "goal.create": _("Goal created"),
    "goal.update": _("Goal changed"),
    "goal.align": _("Goal aligned"),
    "goal.submit": _("Goal sent for approval"),
    "goal.approve": _("Goal approved"),
    "goal.return": _("Goal returned to draft"),
    "goal.active": _("Goal reopened"),
    "goal.completed": _("Goal completed"),
    "goal.cancelled": _("Goal cancelled"),
    "goals.recompute": _("Goal progress recomputed"),
    "key_result.create": _("Key result added"),
    "key_result.update": _("Key result changed"),
    "key_result.delete": _("Key result removed"),
    "kpi.define": _("KPI defined"),
    "meetings.series.create": _("1:1 set up"),
    "meetings.series.stop": _("1:1 stopped"),
    "meetings.coaching.share": _("Coaching note shared with HR"),
    "meetings.coaching.unshare": _("Coaching note no longer shared with HR"),
    "meetings.coaching.delete_shared": _("Coaching note shared with HR deleted"),
    "meetings.calendar_feed.create": _("Calendar link created"),
    "meetings.calendar_feed.revoke": _("Calendar link revoked"),
    "kpi.update": _("KPI changed"),
    "kpi.deactivate": _("KPI retired"),
    "kpi.reactivate": _("KPI brought back"),
    "kpi.import": _("KPI values imported"),
    "kpi.measurement.created": _("KPI value recorded"),
    "kpi.measurement.replaced": _("KPI value replaced"),
    "people.import": _("People imported"),
    "period.create": _("Period created"),
    "period.activate": _("Period opened"),
    "period.close": _("Period closed"),
    "person.create": _("Person added"),
    "person.update": _("Person changed"),
    "person.left": _("Person marked as left"),
    "person.reactivate": _("Person reactivated"),
    "user.roles": _("Roles changed"),
    "plan.open": _("Plan started"),
    "plan.change": _("Plan changed"),
    "plan.reopen": _("Agreed plan reopened"),
    "plan.propose": _("Plan proposed"),
    "plan.sign": _("Plan signed"),
    "plan.agree": _("Plan agreed"),
    "review.peer_approve": _("Peer reviewer approved"),
    "review.peer_add": _("Peer reviewer added"),
    "review.peer_remove": _("Peer reviewer removed"),
    "review.calibrate": _("Review score calibrated"),
    "review.release": _("Review results released"),
    "review_cycle.create": _("Review cycle created"),
    "review_cycle.update": _("Review cycle changed"),
    "review_cycle.launch": _("Review cycle launched"),
    "review_cycle.late_joiners": _("Late joiners added to a review cycle"),
    "review_cycle.sync": _("Review cycle brought in line with people changes"),
    "review_cycle.advance": _("Review cycle moved to its next phase"),
    "review_cycle.nudge": _("Everyone late in a review cycle reminded"),
    "review_template.create": _("Review template created"),
    "review_template.update": _("Review template renamed or described"),
    "review_template.archive": _("Review template archived"),
    "review_template.restore": _("Review template brought back"),
    "review_template.version": _("New review template version"),
    "review_template.change": _("Review template changed"),
    "certification_type.create": _("Certification type defined"),
    "certification_type.update": _("Certification type changed"),
    "certificate.record": _("Certificate recorded"),
    "certificate.delete": _("Certificate removed"),
    "certificate.document_replace": _("Certificate document replaced"),
    "development.item_added": _("Development item added"),
    "development.item_changed": _("Development item changed"),
    "development.item_removed": _("Development item removed"),
    "development.action_changed": _("Development action changed"),
    "development.plan_copied": _("Development items copied from the agreed plan"),
    "development.aspiration_changed": _("Career aspirations written"),
    "development.aspiration_removed": _("Career aspirations removed"),
}


def action_label(action: str) -> str:
    """The action as words: "goal.approve" → "Goal approved"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def audit(
    *,
    actor: Actor | None,
    action: str,
    summary: str,
    target: models.Model | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Record an audit event; call inside the service's transaction. ``actor`` None
    (the command line, the demo) and anonymous both record no actor."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:500],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
