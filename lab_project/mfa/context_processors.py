from django.conf import settings


def lab(request):
    """Tell every page which code the lab runs, for the banner."""
    source = settings.LAB_CODE
    if source not in ("exercises", "solutions", "naive"):
        source = "a submission"
    return {"lab_code": source}
