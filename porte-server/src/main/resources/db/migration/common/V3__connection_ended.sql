-- Why an admitted connection or UDP session ended (closed, idle, backend_unreachable, ...);
-- NULL for a refused one and for the events stored before this column.
ALTER TABLE connection_log ADD COLUMN ended TEXT;
