"""The public self-test at /selvtest/ and the staff pages at /screening/.

The self-test keeps nothing on the server: no session, no database row, no
cookie but the language one. Each step is a POST that carries the answers so
far in hidden fields; CSRF protection is off for these views because they
change nothing (and a CSRF token would need a cookie). Responses are marked
no-store, so a shared computer's cache does not keep the answers.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rusfelt.core.dokumenter import render as render_document

from . import services, texts
from .document import blank_document
from .domain import scoring
from .domain.instruments import INSTRUMENTS, Instrument
from .forms import QuestionForm, StartForm, StateForm

#: Numbers open around the clock, and RUSinfo (sources in the template).
EMERGENCY = "113"
LEGEVAKT = "116 117"


def current_language() -> str:
    lang = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return "en" if lang == "en" else "nb"


def _instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise Http404 from None


@never_cache
def index(request):
    lang = current_language()
    instruments = [
        {"instrument": i, "description": texts.DESCRIPTION[i.code],
         "available": i.available_in(lang)}
        for i in INSTRUMENTS.values()
    ]
    return render(request, "screening/selvtest_index.html", {"instruments": instruments})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def selftest(request, code):
    instr = _instrument(code)
    lang = current_language()
    if not instr.available_in(lang):
        return render(request, "screening/selvtest_unavailable.html", {"instrument": instr})
    if request.method == "GET":
        return _start(request, instr, StartForm())

    state = StateForm(instr, request.POST)
    if not state.is_valid():
        return _start(request, instr, state)
    answers = state.cleaned_data["svar"]
    action = request.POST.get("handling", "neste")
    if action == "start":
        return _question(request, instr, state, [], None)
    if action == "tilbake":
        if not answers:
            return _start(request, instr, state)
        previous = answers.pop()
        return _question(request, instr, state, answers, None, initial=previous)
    if len(answers) == len(instr.items):
        return _result(request, instr, state, answers)
    item = instr.items[len(answers)]
    question = QuestionForm(_options(item, lang), request.POST)
    if not question.is_valid():
        return _question(request, instr, state, answers, question)
    answers.append(question.cleaned_data["valg"])
    if len(answers) == len(instr.items):
        return _result(request, instr, state, answers)
    return _question(request, instr, state, answers, None)


def _options(item, lang):
    return [(i, o.text[lang]) for i, o in enumerate(item.options)]


def _start(request, instr, form):
    return render(request, "screening/selvtest_start.html", {
        "instrument": instr, "form": form, "description": texts.DESCRIPTION[instr.code],
    })


def _question(request, instr, state, answers, form, initial=None):
    lang = current_language()
    item = instr.items[len(answers)]
    options = _options(item, lang)
    if form is None:
        form = QuestionForm(options, initial={"valg": initial})
    return render(request, "screening/selvtest_question.html", {
        "instrument": instr,
        "item": item,
        "item_text": item.text[lang],
        "number": len(answers) + 1,
        "count": len(instr.items),
        "form": form,
        "svar": ",".join(map(str, answers)),
        "kjonn": state.cleaned_data["kjonn"],
        "sted": state.cleaned_data["sted"],
        "footnote": instr.footnote.get(lang) if item.number == 2 else None,
    })


def _result(request, instr, state, answers):
    result = scoring.score(instr.code, state.cleaned_data["kjonn"], answers)
    sted = state.cleaned_data["sted"]
    listings, open_ids = services.help_for(result.kategori, sted)
    return render(request, "screening/selvtest_result.html", {
        "instrument": instr,
        "result": result,
        "headline": texts.HEADLINE[result.kategori],
        "means": texts.MEANS[result.kategori],
        "does_not_mean": texts.DOES_NOT_MEAN,
        "zone": texts.ZONE.get(result.sone),
        "topic": texts.TOPIC[instr.code],
        "place": services.place(sted),
        "listings": listings,
        "open_ids": open_ids,
        "emergency": EMERGENCY,
        "legevakt": LEGEVAKT,
        "suggest_full_audit": instr.code == "audit-c",
    })


@csrf_exempt
@require_POST
def language(request):
    """Set the language cookie (the self-test's only cookie) and go back.

    Django's own ``set_language`` needs a CSRF token, which needs a cookie of
    its own; changing someone's display language is harmless, so this one
    does not.
    """
    lang = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/selvtest/"
    response = HttpResponseRedirect(next_url, status=303)
    if lang in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
def staff_index(request):
    return render(request, "screening/index.html", {"instruments": INSTRUMENTS.values()})


def about(request):
    return render(request, "screening/selvtest_about.html", {"instruments": INSTRUMENTS.values()})


@login_required
def blank_form(request, code, fmt):
    """A blank instrument to print, in the page's language where its wording exists."""
    instr = _instrument(code)
    lang = request.GET.get("sprak") or current_language()
    if lang not in ("nb", "en") or not instr.available_in(lang):
        lang = "en" if instr.available_in("en") else "nb"
    return render_document.response(blank_document(instr, lang), fmt)
