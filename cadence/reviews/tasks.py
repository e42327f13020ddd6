"""Background work for review cycles (run by ``cadence db_worker``)."""

from django.tasks import task

from cadence.reviews.models import Review, ReviewCycle
from cadence.reviews.services import results


@task()
def cycle_scores_compute(cycle_id: int) -> int:
    """Store every open review's score when the cycle enters calibration, so that HR
    calibrates from figures that no longer move. One review at a time (each is its own
    transaction): a large cycle neither holds one long lock nor makes the phase change
    wait; running it again recomputes the same figures."""
    done = 0
    reviews = Review.objects.filter(cycle_id=cycle_id, state=Review.State.OPEN).select_related(
        "cycle__template_version", "cycle__period", "reviewee", "manager"
    )
    if not ReviewCycle.objects.filter(pk=cycle_id).exists():
        return 0
    for review in reviews.iterator(chunk_size=500):
        results.score_compute(review=review)
        done += 1
    return done
