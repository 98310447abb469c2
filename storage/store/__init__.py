"""The versioned recipient store: current rows, their history, and backups as points in time.

write_path     the one write path for recipients (imports, restores; erasure deletes on its own)
writes, merge  its shared pieces, and writing staged rows into a group that has recipients
groups         group rows: creation, O(1) deletion
backups        taking a backup: one row at a group's seq
backup_reads   reading backup rows
state          the state of a group at a seq: the one point-in-time query
exports        a state as CSV, streamed
compare        a backup against its group now
erasure        an address removed from every group and backup of an account
retention      expired backups, history no backup sees, deleted groups no one needs
"""
