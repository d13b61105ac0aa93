/**
 * One input per attribute, by the attribute's type (the types of docs/workspace.md#attributes).
 * A field holds a draft — what the input shows (text for numbers and dates, JSON text for
 * objects) — and turns it into the API's value only when saving. The rules are the server's:
 * nothing here checks a value beyond what the input type itself allows; a refusal comes back
 * from the API and is shown under the field it names.
 */
import {
  Anchor,
  Button,
  Checkbox,
  CloseButton,
  FileButton,
  Group,
  Image,
  Input,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { client, problem } from '../api.ts';

export interface AttributeDef {
  id: string;
  shortId: string;
  name: string;
  type: string;
  options: { value: string | number; label: string }[] | null;
  isRequired: boolean;
}

/** What an input shows: text, a yes/no, a list of chosen options or photo ids, or lat/lng texts. */
export type Draft = string | boolean | null | string[] | [string, string];

const TEXT_TYPES = new Set(['string', 'stringId', 'name', 'email', 'phone', 'url', 'user', 'multiString', 'datetimeISO8601']);
const NUMBER_TYPES = new Set(['integer', 'number', 'integerId', 'float', 'decimal']);
const ENUM_TYPES = new Set(['stringEnum', 'integerEnum', 'floatEnum']);
const MULTI_ENUM_TYPES = new Set(['multiStringEnum', 'multiIntegerEnum', 'multiFloatEnum']);
const JSON_TYPES = new Set(['externalObject', 'multiExternalObject', 'json']);

const pad = (n: number) => String(n).padStart(2, '0');

/** epoch ms → the `datetime-local` input's text, in the browser's time zone. */
function localDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The draft an input starts from, for a value as the API shows it. */
export function toDraft(type: string, value: unknown): Draft {
  if (value === null || value === undefined) {
    if (MULTI_ENUM_TYPES.has(type) || type === 'multiPhotos') return [];
    if (type === 'geolocation') return ['', ''];
    if (type === 'boolean') return null;
    return '';
  }
  if (type === 'boolean') return Boolean(value);
  if (MULTI_ENUM_TYPES.has(type) || type === 'multiPhotos') return Array.isArray(value) ? value.map(String) : [String(value)];
  if (type === 'geolocation' && Array.isArray(value)) return [String(value[0] ?? ''), String(value[1] ?? '')];
  // Dates are UTC midnights (a calendar day); datetimes are moments, shown in local time.
  if (type === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (type === 'datetime' && typeof value === 'number') return localDateTime(value);
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/** The value to send for a draft. JSON that does not parse is a problem of the input, not a rule. */
export function toValue(type: string, draft: Draft): { value: unknown } | { invalid: string } {
  if (typeof draft === 'boolean' || draft === null) return { value: draft };
  if (Array.isArray(draft)) {
    if (type === 'geolocation') {
      const [lat, lng] = draft;
      if (lat.trim() === '' && lng.trim() === '') return { value: null };
      return { value: [Number(lat), Number(lng)] };
    }
    const numeric = type === 'multiIntegerEnum' || type === 'multiFloatEnum';
    return { value: draft.length ? draft.map((v) => (numeric ? Number(v) : v)) : null };
  }
  if (draft.trim() === '') return { value: null };
  if (NUMBER_TYPES.has(type) || type === 'integerEnum' || type === 'floatEnum') return { value: Number(draft) };
  if (type === 'date') return { value: draft };
  if (type === 'datetime') return { value: new Date(draft).getTime() };
  if (JSON_TYPES.has(type)) {
    try {
      return { value: JSON.parse(draft) };
    } catch {
      return { invalid: 'is not valid JSON' };
    }
  }
  return { value: draft };
}

export const sameDraft = (a: Draft, b: Draft) => JSON.stringify(a) === JSON.stringify(b);

interface FieldProps {
  attribute: AttributeDef;
  draft: Draft;
  onChange: (draft: Draft) => void;
  /** The API's message about this field, shown under it. */
  error?: string;
  /** A label other than the attribute's name. */
  label?: string;
}

/** The input for one attribute. */
export function AttributeField({ attribute, draft, onChange, error, label }: FieldProps) {
  const { type, options } = attribute;
  const name = label ?? (attribute.name || attribute.shortId);
  const common = { label: name, error, withAsterisk: attribute.isRequired };
  if (type === 'boolean') {
    return <Checkbox label={name} checked={draft === true} onChange={(e) => onChange(e.currentTarget.checked)} error={error} />;
  }
  if (ENUM_TYPES.has(type)) {
    return (
      <NativeSelect
        {...common}
        value={typeof draft === 'string' ? draft : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
        data={[{ value: '', label: '—' }, ...(options ?? []).map((o) => ({ value: String(o.value), label: o.label }))]}
      />
    );
  }
  if (MULTI_ENUM_TYPES.has(type)) {
    return (
      <Checkbox.Group {...common} value={Array.isArray(draft) ? draft : []} onChange={onChange}>
        <Group gap="md" mt={4}>
          {(options ?? []).map((o) => (
            <Checkbox key={String(o.value)} value={String(o.value)} label={o.label} />
          ))}
        </Group>
      </Checkbox.Group>
    );
  }
  if (NUMBER_TYPES.has(type)) {
    const integer = type === 'integer' || type === 'integerId' || type === 'number';
    return (
      <TextInput
        {...common}
        type="number"
        step={integer ? 1 : 'any'}
        value={typeof draft === 'string' ? draft : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  if (type === 'date' || type === 'datetime') {
    return (
      <TextInput
        {...common}
        type={type === 'date' ? 'date' : 'datetime-local'}
        value={typeof draft === 'string' ? draft : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  if (type === 'text') {
    return (
      <Textarea
        {...common}
        autosize
        minRows={2}
        maxRows={8}
        value={typeof draft === 'string' ? draft : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  if (type === 'geolocation') return <GeolocationField name={name} draft={draft} onChange={onChange} error={error} />;
  if (type === 'photo' || type === 'multiPhotos') {
    return <PhotosField name={name} multiple={type === 'multiPhotos'} draft={draft} onChange={onChange} error={error} />;
  }
  if (JSON_TYPES.has(type) || (typeof draft === 'string' && /^[[{]/.test(draft) && !TEXT_TYPES.has(type))) {
    return (
      <Textarea
        {...common}
        description="JSON"
        autosize
        minRows={2}
        maxRows={10}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        value={typeof draft === 'string' ? draft : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  const inputType = type === 'email' ? 'email' : type === 'phone' ? 'tel' : type === 'url' ? 'url' : 'text';
  return (
    <TextInput
      {...common}
      type={inputType}
      value={typeof draft === 'string' ? draft : ''}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function GeolocationField({ name, draft, onChange, error }: { name: string; draft: Draft; onChange: (d: Draft) => void; error?: string }) {
  const [lat, lng] = Array.isArray(draft) && draft.length === 2 ? draft : ['', ''];
  const complete = lat.trim() !== '' && lng.trim() !== '' && Number.isFinite(Number(lat)) && Number.isFinite(Number(lng));
  return (
    <Input.Wrapper label={name} error={error}>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          label="Latitude"
          size="xs"
          type="number"
          step="any"
          w={130}
          value={lat}
          onChange={(e) => onChange([e.currentTarget.value, lng])}
          aria-label={`${name}: latitude`}
        />
        <TextInput
          label="Longitude"
          size="xs"
          type="number"
          step="any"
          w={130}
          value={lng}
          onChange={(e) => onChange([lat, e.currentTarget.value])}
          aria-label={`${name}: longitude`}
        />
        {complete ? (
          <Anchor
            size="sm"
            href={`https://www.openstreetmap.org/?mlat=${encodeURIComponent(lat)}&mlon=${encodeURIComponent(lng)}#map=16/${encodeURIComponent(lat)}/${encodeURIComponent(lng)}`}
            target="_blank"
            rel="noopener noreferrer"
            pb={6}
          >
            Open {name} on a map
          </Anchor>
        ) : null}
      </Group>
    </Input.Wrapper>
  );
}

/**
 * A photo's signed link (valid 15 minutes) as a path on this origin: the server signs the path,
 * and the page is served by the same server, so the image stays within the console's CSP
 * (`img-src 'self'`) whatever host PUBLIC_BASE_URL names.
 */
function usePhotoSource(id: string) {
  return useQuery({
    queryKey: ['photo', id],
    queryFn: async () => {
      const photo = await client.photos.get(id);
      const url = new URL(photo.url);
      return { src: url.pathname + url.search, name: photo.filename ?? 'photo' };
    },
    staleTime: 10 * 60_000,
    gcTime: 10 * 60_000,
  });
}

function Thumbnail({ id, label, onRemove }: { id: string; label: string; onRemove: () => void }) {
  const photo = usePhotoSource(id);
  return (
    <Stack gap={2} align="center">
      {photo.data ? (
        <Anchor href={photo.data.src} target="_blank" rel="noopener noreferrer" aria-label={`Open ${label} (${photo.data.name})`}>
          <Image src={photo.data.src} alt={`${label}: ${photo.data.name}`} w={72} h={72} fit="cover" radius="sm" />
        </Anchor>
      ) : (
        <Text size="xs" c={photo.isError ? 'red' : 'dimmed'} w={72} h={72}>
          {photo.isError ? problem(photo.error) : 'Loading…'}
        </Text>
      )}
      <CloseButton size="sm" aria-label={`Remove ${label}`} onClick={onRemove} />
    </Stack>
  );
}

function PhotosField(props: { name: string; multiple: boolean; draft: Draft; onChange: (d: Draft) => void; error?: string }) {
  const { name, multiple, draft, onChange } = props;
  const ids = Array.isArray(draft) ? (draft as string[]) : typeof draft === 'string' && draft ? [draft] : [];
  const upload = useMutation({
    mutationFn: (files: File[]) => Promise.all(files.map((file) => client.photos.upload({ file, filename: file.name }))),
    onSuccess: (photos) => {
      const added = photos.map((p) => p.id);
      onChange(multiple ? [...ids, ...added] : (added[0] ?? ''));
    },
  });
  const remove = (id: string) => onChange(multiple ? ids.filter((x) => x !== id) : '');
  // The visible word starts the accessible name ("Replace Photo"), as a speech user would say it.
  const action = ids.length && !multiple ? 'Replace' : 'Upload';
  const pick = (files: File | File[] | null) => {
    const list = files === null ? [] : Array.isArray(files) ? files : [files];
    if (list.length) upload.mutate(list);
  };
  return (
    <Input.Wrapper label={name} error={props.error ?? (upload.isError ? problem(upload.error) : undefined)}>
      <Group gap="sm" mt={4} align="flex-start">
        {ids.map((id, i) => (
          <Thumbnail key={id} id={id} label={multiple ? `${name} ${i + 1}` : name} onRemove={() => remove(id)} />
        ))}
        <FileButton onChange={pick} accept="image/png,image/jpeg,image/webp,image/gif,image/heic" multiple={multiple}>
          {(button) => (
            <Button {...button} variant="default" size="xs" loading={upload.isPending} aria-label={`${action} ${name}`}>
              {action}
            </Button>
          )}
        </FileButton>
      </Group>
    </Input.Wrapper>
  );
}
