"""The page behind "break the glass" and "unseal" for any protected record: one form, one flow, so
every domain opens records the same way (reason, audit, notice, time limit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.access.services import break_glass, unseal

OPENINGS = {"unseal": unseal, "break-glass": break_glass}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded in the audit trail and shown to the record's owner and the auditors."),
    )


def open_record_page(request: HttpRequest, *, actor: Actor, obj: Any, how: str, done_url: str) -> HttpResponse:
    """``obj`` was looked up within the actor's reach; the service checks the right to open it."""
    opener = OPENINGS.get(how)
    if opener is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opener(actor=actor, obj=obj, reason=form.cleaned_data["reason"])
        except Denied:
            raise Http404 from None
        messages.warning(request, _("Access opened for a limited time. The owner and the auditors have been told."))
        return redirect(done_url)
    return render(request, "people/open.html", {"form": form, "how": how})
