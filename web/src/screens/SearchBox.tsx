/** The header's search box: Enter opens the results (Search.tsx, its own chunk). */
import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { useLocation } from 'wouter';

export function SearchBox() {
  const [, navigate] = useLocation();
  const [text, setText] = useState('');
  return (
    <search>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
        }}
      >
        <TextInput
          aria-label="Search by primary key or phone"
          placeholder="Key or phone"
          size="sm"
          w={{ base: 124, sm: 280 }}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      </form>
    </search>
  );
}
