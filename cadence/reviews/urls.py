from cadence.reviews import (
    urls_cycles,
    urls_nominations,
    urls_results,
    urls_templates,
    urls_writing,
)

app_name = "reviews"

urlpatterns = [
    *urls_writing.urlpatterns,
    *urls_nominations.urlpatterns,
    *urls_results.urlpatterns,
    *urls_templates.urlpatterns,
    *urls_cycles.urlpatterns,
]
