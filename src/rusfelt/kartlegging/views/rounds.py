"""Rounds: list, overview, state changes, registration and import."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role, units_for
from rusfelt.drift import jobs
from rusfelt.drift.models import JobState
from rusfelt.screening import mapping as screening

from .. import services
from ..forms import BatchImportForm, ImportForm, RegistrationForm, RoundForm, StateForm
from ..models import Runde, State, Tjeneste
from ..services import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from . import ANY_ROLE, load_round


@login_required
def index(request):
    user = request.user
    working = Runde.objects.for_user(user, [Role.PLANLEGGER, Role.KARTLEGGER])
    readable = Runde.objects.for_user(user, ANY_ROLE).filter(state=State.PUBLISHED)
    rounds = (Runde.objects.filter(Q(pk__in=working.values("pk")) | Q(pk__in=readable.values("pk")))
              .select_related("unit").annotate(n=Count("registreringer"))
              .order_by("-year", "unit__path"))
    page = Paginator(rounds, 100).get_page(request.GET.get("side"))
    working_ids = set(working.filter(pk__in=[r.pk for r in page]).values_list("pk", flat=True))
    can_create = units_for(user, Role.PLANLEGGER).filter(level__in=["kommune", "bydel"]).exists()
    is_dpo = units_for(user, Role.PERSONVERNOMBUD).exists()
    return render(request, "kartlegging/index.html", {
        "rounds": page, "page": page, "working_ids": working_ids, "can_create": can_create,
        "is_dpo": is_dpo, "is_planner": units_for(user, Role.PLANLEGGER).exists(),
    })


@login_required
def round_create(request):
    units = units_for(request.user, Role.PLANLEGGER).filter(level__in=["kommune", "bydel"])
    if not units.exists():
        raise PermissionDenied
    form = RoundForm(request.POST or None, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            runde = services.create_round(
                f"{data['unit']}-{data['year']}", hjemmel=data["hjemmel"], formal=data["formal"],
                dpia_ref=data["dpia_ref"], tjenester=data["tjenester"], state=State.PLANNED,
                user=request.user, request=request)
        except services.KartleggingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Runden er opprettet som planlagt."))
            return redirect(runde)
    return render(request, "kartlegging/round_form.html", {"form": form})


@login_required
@never_cache
def round_detail(request, code):
    runde = load_round(request, code, [Role.PLANLEGGER, Role.KARTLEGGER])
    regs = runde.registreringer.all()
    summary = regs.aggregate(total=Count("pk"),
                             ikke_informert=Count("pk", filter=Q(informert=False)))
    labels = dict(Tjeneste.choices)
    by_service = [{"label": labels.get(row["tjeneste"], row["tjeneste"]), "n": row["n"]}
                  for row in regs.order_by().values("tjeneste").annotate(n=Count("pk"))
                  .order_by("tjeneste")]
    user = request.user
    return render(request, "kartlegging/round_detail.html", {
        "runde": runde, "summary": summary, "by_service": by_service,
        "is_planner": has_role(user, runde.unit, Role.PLANLEGGER),
        "is_kartlegger": has_role(user, runde.unit, Role.KARTLEGGER),
        "is_admin": has_role(user, runde.unit, Role.ADMINISTRATOR),
        "State": State,
    })


@login_required
@require_POST
def round_state(request, code):
    runde = load_round(request, code, [Role.PLANLEGGER])
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ukjent status."))
        return redirect(runde)
    new_state = form.cleaned_data["state"]
    if runde.state == State.PUBLISHED and not has_role(request.user, runde.unit,
                                                       Role.ADMINISTRATOR):
        raise PermissionDenied
    if new_state == State.PUBLISHED:
        # Publishing computes, suppresses and checks every linked table: a
        # background job (kartlegging/jobs.py) runs the same change_state().
        job = jobs.start("kartlegging.publish", user=request.user, request=request,
                         title=_("Publisering av runden %(code)s") % {"code": runde.code},
                         params={"runde": runde.pk, "reason": form.cleaned_data["begrunnelse"],
                                 "back_url": runde.get_absolute_url()})
        if job.state == JobState.DONE:
            messages.success(request, job.message)
        elif job.state == JobState.FAILED:
            messages.error(request, job.message)
        else:
            return redirect(job)
        return redirect(runde)
    try:
        services.change_state(runde, new_state, user=request.user,
                              reason=form.cleaned_data["begrunnelse"], request=request)
    except services.KartleggingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Runden har nå status «%(state)s».")
                         % {"state": State(new_state).label})
    return redirect(runde)


@login_required
@never_cache
@sensitive_post_parameters("fodselsnummer")
@sensitive_variables()
def register(request, code):
    runde = load_round(request, code, [Role.KARTLEGGER])
    if runde.state != State.OPEN:
        messages.error(request, _("Runden er ikke åpen for registrering."))
        return redirect(runde)
    form = RegistrationForm(request.POST or None, runde=runde)
    if form.is_valid():
        try:
            screening.register_with_screening(
                runde, form.cleaned_data["fodselsnummer"], form.values(),
                form.screening_values(), user=request.user, request=request)
        except services.DuplicateRegistration as exc:
            form.add_error("fodselsnummer", str(exc))
        except services.KartleggingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Registreringen er lagret. Fyll inn neste person."))
            return redirect("kartlegging:register", code=runde.code)
    return render(request, "kartlegging/register.html", {"runde": runde, "form": form})


@login_required
@never_cache
@sensitive_variables()
def import_view(request, code):
    runde = load_round(request, code, [Role.KARTLEGGER, Role.PLANLEGGER])
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["fil"]
        # A background job (kartlegging/jobs.py) runs services.import_registrations;
        # without a worker it has already run when start() returns.
        job = jobs.start("kartlegging.import", user=request.user, request=request,
                         title=_("Import til runden %(code)s") % {"code": runde.code},
                         params={"runde": runde.pk, "filename": upload.name,
                                 "back_url": request.path},
                         payload=upload.read())
        if job.state == JobState.DONE:
            messages.success(request, job.message)
            return redirect(runde)
        if job.state != JobState.FAILED:
            return redirect(job)
        errors = job.errors or [job.message]
    return render(request, "kartlegging/import.html", {
        "runde": runde, "form": form, "errors": errors,
        "required": REQUIRED_COLUMNS, "optional": OPTIONAL_COLUMNS,
    })


#: The roles that may import into a round (as ``import_view``).
IMPORT_ROLES = [Role.KARTLEGGER, Role.PLANLEGGER]


@login_required
@never_cache
@sensitive_variables()
def import_batch_view(request):
    """Several files, each into the round it is named after, all or nothing together."""
    # SECURITY: only the rounds the user may import into (core.scoping); a file named
    # after any other round is refused with the same message as one that names none.
    rounds = Runde.objects.for_user(request.user, IMPORT_ROLES)
    if not rounds.exists():
        raise PermissionDenied
    form = BatchImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        uploads = form.cleaned_data["filer"]
        found = rounds.in_bulk([services.round_code_of(u.name) for u in uploads],
                               field_name="code")
        unknown = [u.name for u in uploads if services.round_code_of(u.name) not in found]
        if unknown:
            form.add_error("filer", _(
                "Finner ingen runde du kan importere til med samme navn som filen: "
                "%(files)s. Ingenting er lagret.") % {"files": ", ".join(unknown)})
        else:
            job = jobs.start(
                "kartlegging.import_batch", user=request.user, request=request,
                title=_("Samlet import av %(n)s filer") % {"n": len(uploads)},
                params={"runder": [found[services.round_code_of(u.name)].pk
                                   for u in uploads],
                        "back_url": request.path},
                payload=services.pack_files([(u.name, u.read()) for u in uploads]))
            if job.state == JobState.DONE:
                messages.success(request, job.message)
                return redirect("kartlegging:index")
            if job.state != JobState.FAILED:
                return redirect(job)
            errors = job.errors or [job.message]
    return render(request, "kartlegging/import_batch.html", {
        "form": form, "errors": errors,
        "required": REQUIRED_COLUMNS, "optional": OPTIONAL_COLUMNS,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    })
