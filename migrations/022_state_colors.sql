-- A state's colour (the workspace's `color`, a #rrggbb hex): the console's board paints it; null = a neutral colour per status.
alter table states add column color text;
