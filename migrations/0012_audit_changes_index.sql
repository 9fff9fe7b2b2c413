-- A record's history of changes (the person file's "History" section: its entries other than
-- views, newest first). Through audit_log_record the query walked every view of the record to
-- find 20 changes, and a file opened thousands of times walked thousands of entries on every
-- open. Partial: views, most of the log, are not in it.
CREATE INDEX audit_log_changes ON audit_log(record_type, record_id, seq) WHERE action <> 'view';
