import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorView {
  @ApiProperty({ example: 'lines[0].userId' }) field!: string;
  @ApiProperty({ example: 'a User ID of this participantship starts with B01234' }) message!: string;
}

/** The application/problem+json body of every refusal (RFC 9457), for the OpenAPI document. */
export class ProblemView {
  @ApiProperty({ example: 'urn:eservices:problem:wrong_state' }) type!: string;
  @ApiProperty({ example: 'Conflict' }) title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiProperty({ example: 'Cannot claim a form that is Draft.' }) detail!: string;
  @ApiProperty({ example: 'WRONG_STATE', description: 'Stable code: src/common/errors.ts' }) code!: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
  @ApiPropertyOptional({ description: 'On a 500 only: find it in the service log' }) errorId?: string;
}
