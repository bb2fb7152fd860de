"""Approval configuration: the settings, the flows and the catalogue of items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parkos.core.exceptions import ParkOSError
from parkos.core.views import form_post, service_errors, staff_only

from .. import selectors, services
from ..forms import (
    ApprovalItemForm,
    FlowForm,
)
from ..models import (
    ApprovalConfig,
    ApprovalItem,
    FlowTemplate,
)


# ---- configuration ---------------------------------------------------------------------------------------------
@login_required
def flows_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    cfg = ApprovalConfig.get()
    if request.method == "POST":
        return form_post(
            request,
            ApprovalConfig.bound_form(request.POST, partial=True),
            lambda d: services.approval_config_update(user=request.user, data=d),
            ok=_("Settings saved."),
            back=reverse("projects:flows"),
        )
    return render(
        request,
        "projects/flows.html",
        {
            "cfg": cfg,
            "flows": selectors.flows().prefetch_related("items"),
            "items": selectors.catalogue_items(),
            "can_configure": ApprovalConfig.may_change(request.user),
            "nonworking": ApprovalConfig.AcceptOnNonWorking.choices,
        },
    )


@login_required
def flow_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not ApprovalConfig.may_change(request.user):
        raise Http404
    flow = get_object_or_404(FlowTemplate, pk=pk)
    form = FlowForm(request.POST or None, instance=flow, initial={"version": flow.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "items"}}
        try:
            services.flow_update(
                user=request.user,
                pk=pk,
                version=form.cleaned_data.get("version"),
                data=data,
                item_ids=[i.pk for i in form.cleaned_data["items"]],
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("projects:flows")
    return render(request, "projects/config_form.html", {"form": form, "title": flow.name})


@login_required
def approval_item_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not ApprovalConfig.may_change(request.user):
        raise Http404
    item = get_object_or_404(ApprovalItem, pk=pk)
    form = ApprovalItemForm(request.POST or None, instance=item, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.approval_item_update(
                user=request.user, pk=pk, version=form.cleaned_data.get("version"), data=data
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("projects:flows")
    return render(request, "projects/config_form.html", {"form": form, "title": str(item)})
