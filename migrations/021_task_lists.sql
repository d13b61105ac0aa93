-- "My tasks" and a process's open tasks, due first (GET /v1/ext/tasks): one index walk per page.
create index tasks_assignee_due on tasks (team_id, assigned_to, status, (due_by is null), due_by, id);
create index tasks_process_due on tasks (process_id, status, (due_by is null), due_by, id);
