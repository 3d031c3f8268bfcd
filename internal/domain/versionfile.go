package domain

// File is the path of version v's Parquet file. The sandbox reads it, read
// only, from an engine of its own that can reach no other file; nothing
// else outside the domain may open it.
func (d *Domain) File(v Version) string { return d.path(v.DatasetID, v.ID) }

// Dir is the domain directory. The sandbox keeps its prepared copies of
// versions under Dir/sandbox and review results in the organizations'
// workspaces, Dir/workspaces/<org>/results.
func (d *Domain) Dir() string { return d.dir }
