/**
 * The filter builder: groups of conditions (all / any of them), nested as deep as a person
 * likes, written as the list call's `where` (filters.ts) and shown as that JSON beneath, so
 * what the table asks the server is never a mystery.
 */
import {
  ActionIcon,
  Button,
  Code,
  Group as Row,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import {
  type Condition,
  emptyGroup,
  type FilterField,
  type Group,
  OPERATOR_LABELS,
  type Operator,
  operatorsFor,
  toWhere,
} from './filters.ts';

export function FilterBuilder(props: { fields: FilterField[]; initial: Group; onApply: (group: Group) => void; onClose: () => void }) {
  const [root, setRoot] = useState<Group>(props.initial);
  const where = toWhere(root);
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label="Filter">
      <Stack gap="xs">
        <GroupEditor group={root} fields={props.fields} onChange={setRoot} depth={0} />
        <Text size="xs" c="dimmed" id="where-label">
          The API's <Code>where</Code>
        </Text>
        <Code block aria-labelledby="where-label" data-testid="where" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {where ? JSON.stringify(where) : '(none: every process)'}
        </Code>
        <Row gap="xs" justify="flex-end">
          <Button variant="subtle" onClick={() => setRoot(emptyGroup())}>
            Clear
          </Button>
          <Button variant="default" onClick={props.onClose}>
            Close
          </Button>
          <Button onClick={() => props.onApply(root)}>Apply filter</Button>
        </Row>
      </Stack>
    </Paper>
  );
}

function GroupEditor(props: { group: Group; fields: FilterField[]; onChange: (g: Group) => void; onRemove?: () => void; depth: number }) {
  const { group, fields, depth } = props;
  const set = (items: Group['items']) => props.onChange({ ...group, items });
  const replace = (i: number, item: Condition | Group) => set(group.items.map((x, j) => (j === i ? item : x)));
  const remove = (i: number) => set(group.items.filter((_, j) => j !== i));
  const label = depth === 0 ? 'the filter' : `group ${depth}`;
  return (
    <Stack
      gap={6}
      role="group"
      aria-label={depth === 0 ? 'Conditions' : `Group of conditions, level ${depth}`}
      pl={depth ? 'sm' : 0}
      style={depth ? { borderLeft: '3px solid var(--mantine-color-indigo-2)' } : undefined}
    >
      <Row gap="xs">
        <Text size="sm">Match</Text>
        <SegmentedControl
          size="xs"
          aria-label={`Match in ${label}`}
          value={group.join}
          onChange={(join) => props.onChange({ ...group, join: join as Group['join'] })}
          data={[
            { value: 'and', label: 'all' },
            { value: 'or', label: 'any' },
          ]}
        />
        <Text size="sm">of these</Text>
        {props.onRemove ? (
          <Button variant="subtle" color="red" size="compact-xs" onClick={props.onRemove}>
            Remove group
          </Button>
        ) : null}
      </Row>
      {group.items.map((item, i) =>
        item.type === 'group' ? (
          <GroupEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity of their own; order is theirs
            key={i}
            group={item}
            fields={fields}
            depth={depth + 1}
            onChange={(g) => replace(i, g)}
            onRemove={() => remove(i)}
          />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <ConditionEditor key={i} n={i + 1} condition={item} fields={fields} onChange={(c) => replace(i, c)} onRemove={() => remove(i)} />
        ),
      )}
      <Row gap="xs">
        <Button
          variant="light"
          size="compact-sm"
          onClick={() => {
            const field = fields[0];
            if (field) set([...group.items, { type: 'condition', field: field.key, op: '=', value: initialValue(field) }]);
          }}
        >
          Add condition
        </Button>
        <Button variant="subtle" size="compact-sm" onClick={() => set([...group.items, emptyGroup(group.join === 'and' ? 'or' : 'and')])}>
          Add group
        </Button>
      </Row>
    </Stack>
  );
}

/** A new condition's value: nothing chosen yet (it asks nothing until it has one), or Yes. */
function initialValue(field: FilterField): unknown {
  return field.kind === 'boolean' ? true : '';
}

function ConditionEditor(props: {
  n: number;
  condition: Condition;
  fields: FilterField[];
  onChange: (c: Condition) => void;
  onRemove: () => void;
}) {
  const { condition, fields, n } = props;
  const field = fields.find((f) => f.key === condition.field) ?? fields[0];
  const operators = operatorsFor(field.kind);
  return (
    <Row gap="xs" wrap="wrap" align="flex-start" role="group" aria-label={`Condition ${n}`}>
      <Select
        aria-label={`Field of condition ${n}`}
        w={200}
        searchable
        allowDeselect={false}
        value={field.key}
        data={fields.map((f) => ({ value: f.key, label: f.label }))}
        onChange={(key) => {
          const next = fields.find((f) => f.key === key);
          if (next) props.onChange({ type: 'condition', field: next.key, op: '=', value: initialValue(next) });
        }}
      />
      <Select
        aria-label={`Comparison of condition ${n}`}
        w={140}
        allowDeselect={false}
        value={condition.op}
        data={operators.map((op) => ({ value: op, label: OPERATOR_LABELS[op] }))}
        onChange={(op) => {
          const next = op as Operator;
          const value =
            next === 'any' ? toList(condition.value) : condition.op === 'any' ? (toList(condition.value)[0] ?? '') : condition.value;
          props.onChange({ ...condition, op: next, value });
        }}
      />
      <ValueInput
        n={n}
        field={field}
        op={condition.op}
        value={condition.value}
        onChange={(value) => props.onChange({ ...condition, value })}
      />
      <ActionIcon variant="subtle" color="red" mt={4} aria-label={`Remove condition ${n}`} onClick={props.onRemove}>
        <span aria-hidden="true">×</span>
      </ActionIcon>
    </Row>
  );
}

const toList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === '' || value === undefined ? [] : [value]);

/** The value's input, by the field's kind; what it hands back is what the API takes. */
function ValueInput(props: { n: number; field: FilterField; op: Operator; value: unknown; onChange: (v: unknown) => void }) {
  const { field, op, value, n } = props;
  const label = `Value of condition ${n}`;
  if (field.kind === 'choice') {
    const options = (field.options ?? []).map((o) => ({ value: String(o.value), label: o.label }));
    const typed = (v: string) => field.options?.find((o) => String(o.value) === v)?.value ?? v;
    if (op === 'any') {
      return (
        <MultiSelect
          aria-label={label}
          w={260}
          data={options}
          value={toList(value).map(String)}
          onChange={(values) => props.onChange(values.map(typed))}
        />
      );
    }
    return (
      <Select
        aria-label={label}
        w={200}
        searchable
        allowDeselect={false}
        data={options}
        value={value === '' ? null : String(value)}
        onChange={(v) => props.onChange(v === null ? '' : typed(v))}
      />
    );
  }
  if (field.kind === 'boolean') {
    return (
      <Select
        aria-label={label}
        w={120}
        allowDeselect={false}
        data={[
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
        value={String(value === true)}
        onChange={(v) => props.onChange(v === 'true')}
      />
    );
  }
  if (field.kind === 'text' && op === 'any') {
    return (
      <TagsInput aria-label={label} w={260} placeholder="Type, then Enter" value={toList(value).map(String)} onChange={props.onChange} />
    );
  }
  if (field.kind === 'number') {
    return (
      <TextInput
        aria-label={label}
        w={140}
        type="number"
        value={value === '' || value === undefined ? '' : String(value)}
        onChange={(e) => props.onChange(e.currentTarget.value === '' ? '' : Number(e.currentTarget.value))}
      />
    );
  }
  if (field.kind === 'time') {
    return (
      <TextInput
        aria-label={label}
        w={220}
        type="datetime-local"
        value={typeof value === 'string' && value ? toLocalInput(value) : ''}
        onChange={(e) => props.onChange(e.currentTarget.value ? new Date(e.currentTarget.value).toISOString() : '')}
      />
    );
  }
  if (field.kind === 'date') {
    return (
      <TextInput
        aria-label={label}
        w={170}
        type="date"
        value={typeof value === 'string' ? value.slice(0, 10) : ''}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
    );
  }
  return <TextInput aria-label={label} w={220} value={String(value ?? '')} onChange={(e) => props.onChange(e.currentTarget.value)} />;
}

/** An ISO time as a `datetime-local` input's value, in this browser's time zone. */
function toLocalInput(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const local = new Date(t.getTime() - t.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
