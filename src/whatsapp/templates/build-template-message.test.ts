import { describe, expect, it } from 'vitest';
import { buildTemplateMessage, type TemplateDef } from './build-template-message.ts';

const template = (over: Partial<TemplateDef>): TemplateDef => ({
  id: '1',
  name: 't',
  language: 'en_US',
  status: 'APPROVED',
  category: 'MARKETING',
  components: [],
  ...over,
});
const m = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([schemaPropertyName, schemaPropertyValue]) => ({ schemaPropertyName, schemaPropertyValue }));
const build = (t: TemplateDef, input: Parameters<typeof buildTemplateMessage>[2]) => buildTemplateMessage('919900112233', t, input);
const fails = (t: TemplateDef, input: Parameters<typeof buildTemplateMessage>[2]) => {
  try {
    build(t, input);
  } catch (err) {
    return `${(err as any).status} ${(err as Error).message}`;
  }
  throw new Error('expected a refusal');
};

const PROMO = template({
  name: 'christmas_promo_23',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, {{2}} off everything until {{10}}!' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Shop', url: 'https://shop.example.com/{{1}}' },
        { type: 'QUICK_REPLY', text: 'Stop' },
      ],
    },
  ],
});

describe('buildTemplateMessage', () => {
  it('builds positional body parameters in numeric order, an image header and button parameters', () => {
    const { message, text } = build(PROMO, {
      imageUrl: 'https://cdn.example.com/xmas.png',
      mapping: m({ '10': 'Friday', '1': 'John', '2': '20%' }),
      buttonMapping: m({ '0': 'xmas?src=wa', '1': 'STOP_PROMOS' }),
    });
    expect(message).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919900112233',
      type: 'template',
      template: {
        name: 'christmas_promo_23',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/xmas.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'John' },
              { type: 'text', text: '20%' },
              { type: 'text', text: 'Friday' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'xmas?src=wa' }] },
          { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'STOP_PROMOS' }] },
        ],
      },
    });
    expect(text).toBe('Hi John, 20% off everything until Friday!');
  });

  it('builds named parameters, a text header, a document with its file name and a location', () => {
    const named = template({
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' },
        { type: 'BODY', text: 'Dear {{first_name}}' },
      ],
    });
    expect(build(named, { mapping: m({ first_name: 'Ted' }), headerMapping: m({ order_id: 'A-1' }) }).message.template).toEqual({
      name: 't',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-1' }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ted' }] },
      ],
    });
    const doc = template({
      components: [
        { type: 'HEADER', format: 'DOCUMENT' },
        { type: 'BODY', text: 'Your invoice' },
      ],
    });
    expect(
      (build(doc, { documentUrl: 'https://x.example.com/i.pdf', filename: 'invoice.pdf' }).message.template as any).components,
    ).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { link: 'https://x.example.com/i.pdf', filename: 'invoice.pdf' } }] },
    ]);
    const place = template({
      components: [
        { type: 'HEADER', format: 'LOCATION' },
        { type: 'BODY', text: 'Visit us' },
      ],
    });
    expect(
      (
        build(place, { locationLatitude: '12.97', locationLongitude: 77.59, locationName: 'HQ', locationAddress: 'MG Road' }).message
          .template as any
      ).components,
    ).toEqual([
      {
        type: 'header',
        parameters: [{ type: 'location', location: { latitude: 12.97, longitude: 77.59, name: 'HQ', address: 'MG Road' } }],
      },
    ]);
  });

  it('fills the body and the copy-code button of an authentication template with otpCode', () => {
    const otp = template({
      category: 'AUTHENTICATION',
      components: [
        { type: 'BODY', text: '{{1}} is your code.' },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copy code' }] },
      ],
    });
    expect((build(otp, { otpCode: '482913' }).message.template as any).components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
    ]);
    expect(fails(otp, {})).toBe('400 otpCode: is required: template t is an authentication template');
  });

  it('treats the n8n node’s empty strings and zeros as absent', () => {
    const plain = template({ components: [{ type: 'BODY', text: 'Hello {{1}}' }] });
    const { message } = build(plain, {
      mapping: m({ '1': 'Ann' }),
      imageUrl: '',
      videoUrl: '',
      documentUrl: '',
      locationLatitude: 0,
      locationLongitude: 0,
      otpCode: '',
      headerMapping: [],
      buttonMapping: [],
    });
    expect((message.template as any).components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'Ann' }] }]);
  });

  it('names what is missing or extra, and refuses templates that are not approved', () => {
    expect(fails(PROMO, { imageUrl: 'https://x/y.png', mapping: m({ '1': 'a', '2': 'b' }), buttonMapping: m({ '0': 'x' }) })).toBe(
      '400 mapping: is missing "10" for the body (it needs "1", "2", "10")',
    );
    expect(
      fails(PROMO, {
        imageUrl: 'https://x/y.png',
        mapping: m({ '1': 'a', '2': 'b', '10': 'c', '3': 'd' }),
        buttonMapping: m({ '0': 'x' }),
      }),
    ).toBe('400 mapping: has "3", which the body does not use (it needs "1", "2", "10")');
    expect(fails(PROMO, { mapping: m({ '1': 'a', '2': 'b', '10': 'c' }), buttonMapping: m({ '0': 'x' }) })).toBe(
      '400 imageUrl: is required: template christmas_promo_23 has an image header',
    );
    expect(fails(PROMO, { imageUrl: 'https://x/y.png', mapping: m({ '1': 'a', '2': 'b', '10': 'c' }) })).toBe(
      '400 buttonMapping: is missing "0" for button 0 (Shop), whose link has a parameter',
    );
    expect(
      fails(PROMO, {
        imageUrl: 'https://x/y.png',
        mapping: m({ '1': 'a', '2': 'b', '10': 'c' }),
        buttonMapping: m({ '0': 'x', '5': 'y' }),
      }),
    ).toBe('400 buttonMapping: has "5", which no button of template christmas_promo_23 takes');
    expect(fails(template({ components: [{ type: 'BODY', text: 'Hi' }] }), { videoUrl: 'https://x/v.mp4' })).toBe(
      '400 videoUrl: template t has no video header',
    );
    expect(fails(template({ status: 'PENDING' }), {})).toBe('422 templateName: template t (en_US) is PENDING, not APPROVED');
  });

  it('copes with template definitions missing fields (data from outside) without crashing', () => {
    const odd = template({
      components: [null, { text: 'no type' }, { type: 'BODY', text: 42 }, { type: 'BUTTONS', buttons: 'none' }] as any,
    });
    expect((build(odd, {}).message.template as any).components).toBeUndefined();
  });
});
