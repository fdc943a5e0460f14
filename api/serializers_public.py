"""Output of awareness material and news (read-only in the API: uploads and writing news are
done on the pages). Serializers render what ``network.selectors_public`` selected; who sees
what is ``network.permissions_public``'s."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.models_public import Material, News

from .serializers import TargetGroupSerializer, TopicSerializer


class MaterialSerializer(serializers.ModelSerializer):
    # Plain strings with the choices in the help text: the choice sets repeat values of the
    # challenge enums (visibility, status), which would collide as schema components.
    kind = serializers.CharField(read_only=True, help_text="guide | flyer | presentation | checklist")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    language = serializers.CharField(read_only=True, help_text=_("Language code, `mul` for several."))
    licence = serializers.CharField(
        read_only=True, help_text="cc-by-4.0 | cc-by-sa-4.0 | all-rights-reserved"
    )
    licence_label = serializers.CharField(source="get_licence_display", read_only=True)
    visibility = serializers.CharField(read_only=True, help_text="public | network")
    status = serializers.CharField(read_only=True, help_text="draft | published")
    topic = TopicSerializer(read_only=True, allow_null=True)
    target_group = TargetGroupSerializer(read_only=True, allow_null=True)
    organisation = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True, default=None
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id", "title", "kind", "kind_label", "topic", "target_group", "language", "licence",
            "licence_label", "description", "visibility", "status", "organisation",
            "content_type", "extension", "size", "created_at", "published_at", "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("Where the file is downloaded.")))
    def get_download_url(self, material: Material) -> str:
        return reverse("material-download", args=[material.pk])


class NewsSerializer(serializers.ModelSerializer):
    visibility = serializers.CharField(read_only=True, help_text="public | network")

    class Meta:
        model = News
        fields = ["id", "title", "text", "published_at", "visibility"]
        read_only_fields = fields
