"""Who sees which documents: shared ones for everyone, private ones for their owner."""

from __future__ import annotations

from assistant.documents.access import (
    EVERYONE,
    Viewer,
    owner_key,
    private_owner,
    uploaded_source,
)

ADA = Viewer("ada", "user")
BOB = Viewer("bob", "user")
ADMIN = Viewer("root", "admin")


def test_a_users_uploads_go_to_a_folder_of_their_own():
    assert ADA.upload_folder == f"private/{owner_key('ada')}"
    assert ADA.upload_folder != BOB.upload_folder


def test_an_admins_uploads_go_to_the_shared_corpus():
    assert ADMIN.upload_folder == "uploads"
    assert EVERYONE.upload_folder == "uploads"


def test_an_owner_folder_cannot_climb_out_of_the_private_folder():
    assert owner_key("../../etc") not in {"..", "."}
    assert "/" not in owner_key("a/b") and owner_key("a/b") != owner_key("a-b")


def test_names_that_differ_only_in_case_share_one_folder():
    assert owner_key(" Ada ") == owner_key("ada")


def test_everyone_sees_shared_documents():
    for viewer in (EVERYONE, ADA, ADMIN):
        assert viewer.sees("operations-manager-vs-coo.txt")
        assert viewer.sees("uploads/notes-1a2b3c4d.md")


def test_a_private_document_is_seen_by_its_owner_alone():
    source = f"{ADA.upload_folder}/notes-1a2b3c4d.md"
    assert private_owner(source) == owner_key("ada")
    assert ADA.sees(source)
    assert not BOB.sees(source)
    assert not ADMIN.sees(source)
    assert not EVERYONE.sees(source)


def test_a_user_may_remove_their_own_uploads_and_no_others():
    assert ADA.may_remove(f"{ADA.upload_folder}/notes-1a2b3c4d.md")
    assert not ADA.may_remove(f"{BOB.upload_folder}/notes-1a2b3c4d.md")
    assert not ADA.may_remove("uploads/notes-1a2b3c4d.md")


def test_an_admin_may_remove_shared_uploads_but_no_ones_private_ones():
    assert ADMIN.may_remove("uploads/notes-1a2b3c4d.md")
    assert not ADMIN.may_remove(f"{ADA.upload_folder}/notes-1a2b3c4d.md")
    assert not ADMIN.may_remove("operations-manager-vs-coo.txt")


def test_only_uploads_count_as_removable():
    assert uploaded_source("uploads/notes-1a2b3c4d.md")
    assert uploaded_source(f"{ADA.upload_folder}/notes-1a2b3c4d.md")
    assert not uploaded_source("operations-manager-vs-coo.md")
    assert not uploaded_source("uploads/../secrets.md")
    assert not uploaded_source("uploads/deeper/notes.md")
    assert not uploaded_source("private/../secrets.md/x")


def test_nobody_may_remove_a_path_that_climbs_out_of_the_uploads():
    assert not ADMIN.may_remove("uploads/..")
    assert not ADA.may_remove(f"{ADA.upload_folder}/../../secrets.md")
