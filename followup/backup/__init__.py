"""One plan year as a JSON document, and back: `year_export` and `year_import`.

The document holds the plan year, the committees its nodes use (with their
secretaries), the tree, the follow-up periods, assessments, indicators and
outcomes, and the django-simple-history records of all of them. What is
written is read from the models' metadata, so a field added to one of these
models is exported and imported without a change here; a relation to a model
the document does not cover stops the export with a clear error instead of
being silently dropped.

Objects are referred to by a number local to the file, `ref`: within a section
the objects, including those that only survive in the history (deleted ones),
are numbered 1, 2, 3 … in the order of their database ids. An import reserves
fresh ids in the same order, so exporting the restored year again gives the
same numbers and the same bytes, whatever ids the target database hands out;
the ids of deleted objects are reserved too, so no new object ever inherits
the history of an old one. Users are named by their user name, plan years by
their year, and an object of another plan year (what a node was copied from)
as `{"year": …, "ref": …}`, resolved when that year exists where it is
imported (import the years oldest first to keep those links).

The import is strict and all-or-nothing: every key must be there and no other,
every value must have its field's type and pass its validators, references
must resolve and the tree must obey the steering model; then everything is
written in one transaction under the new year's tree lock and the tree is
checked with `tree_problems` before the commit. Any fault gives a
`BackupError` with a Swedish message and leaves the database as it was.
Users are matched by user name or created inactive; a user who already exists
becomes a member (secretary) of a committee the import creates only when the
caller asks for it (`grant_memberships`), and the result lists each membership
granted or left out.

A file that a later version of the models cannot read as it is gets a new
FORMAT_VERSION and a step that upgrades older documents before they are read.

The package follows the document's life: `format` (the sections, the model
metadata and the read document's types), `export` (the year as a document),
`reader` (bytes to checked records, through the limits of `followup.jsonfile`),
`checks` (references, the tree's positions and the steering
model's rules across the document) and `restore` (the records written).
"""

from followup.backup.export import year_export
from followup.backup.format import (
    FORMAT,
    FORMAT_VERSION,
    LEFT_OUT,
    MAX_FILE_SIZE,
    SECTION_BY_KEY,
    SECTION_BY_MODEL,
    SECTIONS,
    BackupError,
    Section,
)
from followup.backup.reader import parse_document, read_backup_file
from followup.backup.restore import ImportResult, year_import

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "LEFT_OUT",
    "MAX_FILE_SIZE",
    "SECTIONS",
    "SECTION_BY_KEY",
    "SECTION_BY_MODEL",
    "BackupError",
    "ImportResult",
    "Section",
    "parse_document",
    "read_backup_file",
    "year_export",
    "year_import",
]
