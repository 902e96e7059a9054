"""Form fields that choose rows by id, refusing ids no row can have.

Django's model choice fields pass whatever number was posted to the
database; one beyond 64 bits makes the database raise an overflow error (a
500) instead of the form saying "not a valid choice". These say it.
"""

from django import forms

MAX_ID = 2**63 - 1


def _impossible_id(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check answers
    return not 0 <= number <= MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _impossible_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for each in value:
            if _impossible_id(each):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": each},
                )
        return super()._check_values(value)
