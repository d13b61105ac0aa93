import { Type } from '@sinclair/typebox';

const ErrorRef = Type.Ref('Error');

/** The error responses every authenticated route documents (docs/errors.md). */
export const errorResponses = {
  400: ErrorRef,
  401: ErrorRef,
  403: ErrorRef,
  404: ErrorRef,
  429: ErrorRef,
  500: ErrorRef,
};
