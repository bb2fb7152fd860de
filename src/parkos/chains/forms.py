from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import YearParams, style_widgets

from .models import Chain, Node, Target


class ChainForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Chain
        fields = ["name", "code", "department", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class NodeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Node
        fields = [
            "name",
            "parent",
            "segment",
            "is_key",
            "min_enterprises",
            "min_output",
            "min_local_rate",
            "order",
        ]

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Node.objects.filter(chain=chain) if chain else Node.objects.none()
        style_widgets(self)


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["name", "uscc", "region", "is_foreign", "is_headquarters", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class PlacementForm(forms.Form):
    """Place an enterprise at a node by its USCC (as 链主 or not), or take one placement (`remove`) away."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    is_leader = forms.BooleanField(label=_("chain leader"), required=False)
    remove = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_uscc(self):
        return self.cleaned_data["uscc"].strip().upper()


class ChainListParams(YearParams):
    q = forms.CharField(required=False, max_length=100)
    sort = forms.CharField(required=False, max_length=20)
